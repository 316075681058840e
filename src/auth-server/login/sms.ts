/**
 * SMS codes (`auth-server.md` §5): 6 random digits per phone number, "sent" to an outbox that
 * `GET /__mock/sms` and `idmock sms` read. A code lives `smsCodeTtlSeconds`, works once, and is
 * invalidated after `smsMaxFailures` wrong tries; sending a new one replaces the old one.
 */
import { setBounded } from '../../core/bounded.js';
import type { Ids } from '../../core/ids.js';
import { safeEqual } from '../../core/ids.js';
import { LOGIN_LIMITS, SMS_CODE_DIGITS } from './constants.js';
import type { LoginState, SmsMessage, SmsStatus } from './state.js';

/** The text of a code message (what the phone would show). */
export function smsText(code: string, ttlSeconds: number): string {
  return `【idmock】您的验证码是 ${code}，${Math.round(ttlSeconds / 60)} 分钟内有效。请勿泄露给他人。`;
}

function randomDigits(ids: Ids, digits: number): string {
  // 48 random bits reduced modulo 10^6: the bias is below 2^-28.
  const value = ids.random(6).readUIntBE(0, 6) % 10 ** digits;
  return String(value).padStart(digits, '0');
}

/** Sends a new code to a phone number, replacing its live one; returns the outbox message. */
export function sendSmsCode(
  state: LoginState,
  ids: Ids,
  tn: string,
  now: number,
  ttlSeconds: number,
): SmsMessage {
  const previous = state.smsCodes.get(tn);
  if (previous) setStatus(state, previous.messageId, 'replaced');
  const code = randomDigits(ids, SMS_CODE_DIGITS);
  const message: SmsMessage = {
    id: state.nextMessageId++,
    tn,
    code,
    text: smsText(code, ttlSeconds),
    sentAt: now,
    expiresAt: now + ttlSeconds * 1000,
    status: 'sent',
  };
  state.outbox.push(message);
  if (state.outbox.length > LOGIN_LIMITS.outbox) state.outbox.shift();
  // One live code per phone number, and at most MAX_STORE_RECORDS numbers (expired ones go first).
  const record = { tn, code, messageId: message.id, expiresAt: message.expiresAt, failures: 0 };
  setBounded(state.smsCodes, tn, record, { isOver: (live) => live.expiresAt <= now });
  return message;
}

function setStatus(state: LoginState, messageId: number, status: SmsStatus): void {
  const message = state.outbox.find((candidate) => candidate.id === messageId);
  if (message) message.status = status;
}

/**
 * Checks a code without consuming it. A wrong try counts; the last allowed wrong try invalidates
 * the code. An expired code is dropped. Returns whether the code is right.
 */
export function checkSmsCode(
  state: LoginState,
  tn: string,
  code: string,
  now: number,
  maxFailures: number,
): boolean {
  const live = state.smsCodes.get(tn);
  if (!live) return false;
  if (live.expiresAt <= now) {
    state.smsCodes.delete(tn);
    return false;
  }
  if (safeEqual(code, live.code)) return true;
  live.failures += 1;
  if (live.failures >= maxFailures) {
    state.smsCodes.delete(tn);
    setStatus(state, live.messageId, 'locked');
  }
  return false;
}

/** Consumes the live code of a phone number (after a successful login). */
export function consumeSmsCode(state: LoginState, tn: string): void {
  const live = state.smsCodes.get(tn);
  if (!live) return;
  state.smsCodes.delete(tn);
  setStatus(state, live.messageId, 'used');
}

/** A message as the outbox lists it. */
export interface SmsMessageView {
  readonly id: number;
  readonly tn: string;
  readonly code: string;
  readonly text: string;
  readonly sentAt: string;
  readonly expiresAt: string;
  /** `sent` while usable; then `used`, `locked` (too many wrong tries), `replaced` or `expired`. */
  readonly status: SmsStatus | 'expired';
}

/** The outbox, oldest first, optionally for one phone number. */
export function listOutbox(state: LoginState, now: number, tn?: string): SmsMessageView[] {
  return state.outbox
    .filter((message) => tn === undefined || message.tn === tn)
    .map((message) => ({
      id: message.id,
      tn: message.tn,
      code: message.code,
      text: message.text,
      sentAt: new Date(message.sentAt).toISOString(),
      expiresAt: new Date(message.expiresAt).toISOString(),
      status: message.status === 'sent' && message.expiresAt <= now ? 'expired' : message.status,
    }));
}
