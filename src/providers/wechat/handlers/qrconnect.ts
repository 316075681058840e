/**
 * Website QR login: the desktop page, its QR image, the long-poll, and the phone's confirm page.
 */
import {
  bytes,
  html as htmlResponse,
  param,
  redirect,
  text,
  type MockRequest,
  type MockResponse,
} from '../../../core/http.js';
import { MockApiError } from '../../../core/mock-api.js';
import { callbackUrl, validateWebsiteAuthorize } from '../authorize.js';
import type { WechatContext } from '../context.js';
import { issueCode } from '../grants.js';
import { pageLang } from '../pages/i18n.js';
import { renderConfirmPage, renderPhoneMessage } from '../pages/phone.js';
import { renderQrConnectPage, renderQrConnectXml } from '../pages/qrconnect.js';
import { WECHAT_TEXT } from '../pages/i18n.js';
import { pollCode, transition, type QrEvent } from '../qr.js';
import type { QrSession } from '../state.js';

/** Applies an event to a session, waking its long-polls; throws a 409 when it does not apply. */
export function applyQrEvent(ctx: WechatContext, session: QrSession, event: QrEvent): void {
  expireIfDue(ctx, session);
  const result = transition(session.qr, event);
  if (!result.ok) throw new MockApiError(409, 'invalid_transition', result.reason);
  session.qr = result.state;
  ctx.signals.notify(session.uuid);
}

/** Moves a session to `expired` once its lifetime on the mock clock is over. */
export function expireIfDue(ctx: WechatContext, session: QrSession): void {
  if (ctx.clock.now() < session.expiresAt) return;
  const result = transition(session.qr, { type: 'expire' });
  if (result.ok) session.qr = result.state;
}

/** Confirms a session as a persona: mints the code that the next long-poll hands out. */
export function confirmQr(ctx: WechatContext, session: QrSession, personaId: string): void {
  expireIfDue(ctx, session);
  if (session.qr.status === 'waiting' || session.qr.status === 'cancelled') {
    applyQrEvent(ctx, session, { type: 'scan', personaId });
  }
  const probe = transition(session.qr, { type: 'confirm', personaId, code: '' });
  if (!probe.ok) throw new MockApiError(409, 'invalid_transition', probe.reason);
  const code = issueCode(ctx, { appid: session.appid, personaId, scope: session.scope });
  applyQrEvent(ctx, session, { type: 'confirm', personaId, code: code.code });
}

function newUuid(ctx: WechatContext): string {
  // 16 characters of [A-Za-z0-9_-], like `081fNLs3OTjRKaOo` or `061BoCBu-d18LwCJ`. Never a leading
  // "-": every command line (`idmock scan <uuid>`, curl, scripts) would read the uuid as an option.
  const uuid = ctx.ids.base64url(16);
  return uuid.startsWith('-') ? `0${uuid.slice(1)}` : uuid;
}

function createSession(ctx: WechatContext, req: MockRequest, appid: string): QrSession {
  const sessions = ctx.state.qrSessions;
  while (sessions.size >= ctx.settings.maxQrSessions) {
    const oldest = sessions.keys().next();
    if (oldest.done === true) break;
    sessions.delete(oldest.value);
  }
  const now = ctx.clock.now();
  const session: QrSession = {
    uuid: newUuid(ctx),
    appid,
    redirectUri: param(req, 'redirect_uri') ?? '',
    state: param(req, 'state') ?? '',
    scope: 'snsapi_login',
    selfRedirect: param(req, 'self_redirect') ?? 'default',
    lang: param(req, 'lang') ?? 'cn',
    createdAt: now,
    expiresAt: now + ctx.settings.qrTtlSeconds * 1000,
    qr: { status: 'waiting' },
  };
  sessions.set(session.uuid, session);
  return session;
}

/** `GET /connect/qrconnect`: the QR page, the `f=xml` uuid, or the auto-approve 302. */
export function showQrConnectPage(req: MockRequest, ctx: WechatContext): MockResponse {
  const app = validateWebsiteAuthorize(ctx, {
    appid: param(req, 'appid'),
    redirectUri: param(req, 'redirect_uri'),
    scope: param(req, 'scope'),
  });
  const redirectUri = param(req, 'redirect_uri') ?? '';
  const state = param(req, 'state') ?? '';
  const auto = ctx.state.autoApprove;
  if (auto !== null && ctx.world.user(auto)) {
    const personaId = ctx.world.user(auto)?.persona.id ?? auto;
    const code = issueCode(ctx, { appid: app.appid, personaId, scope: 'snsapi_login' });
    return redirect(callbackUrl(redirectUri, code.code, state));
  }
  const session = createSession(ctx, req, app.appid);
  if (param(req, 'f') === 'xml')
    return text(renderQrConnectXml(session.uuid), 'text/xml; charset=utf-8');
  const lang = pageLang(param(req, 'lang'));
  const other = new URL(req.url);
  other.searchParams.set('lang', lang === 'en' ? 'cn' : 'en');
  return htmlResponse(
    renderQrConnectPage({
      uuid: session.uuid,
      appName: app.name,
      redirectUri,
      state,
      selfRedirect: session.selfRedirect,
      lang,
      pollBase: '',
      otherLangHref: `${other.pathname}${other.search}`,
    }),
  );
}

/** `GET /connect/qrcode/:uuid`: a scannable image of the phone-side confirm URL. */
export async function getQrImage(
  req: MockRequest,
  ctx: WechatContext,
  params: Readonly<Record<string, string>>,
): Promise<MockResponse> {
  const uuid = params['uuid'] ?? '';
  if (!ctx.state.qrSessions.has(uuid)) return text('', 'text/plain', 404);
  const target = `${req.url.origin}/connect/confirm?uuid=${encodeURIComponent(uuid)}`;
  // Loaded on first use: qrcode costs ~10 MB and start-up time that API-only users never need.
  const { default: QRCode } = await import('qrcode');
  const png = await QRCode.toBuffer(target, { type: 'png', width: 280, margin: 1 });
  return bytes(png, 'image/png');
}

function pollBody(code: number, wxCode: string): MockResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/javascript', 'cache-control': 'no-cache' },
    body: `window.wx_errcode=${code};window.wx_code='${wxCode}';`,
  };
}

/**
 * `GET /connect/l/qrconnect?uuid&last`: answers at once when the state differs from `last`,
 * otherwise holds until a change, the QR code's expiry or the hold time, then answers 408.
 */
export async function pollQrStatus(req: MockRequest, ctx: WechatContext): Promise<MockResponse> {
  const uuid = param(req, 'uuid');
  if (uuid === undefined || uuid === '') return pollBody(500, '');
  const last = param(req, 'last');
  const deadline = Date.now() + ctx.settings.longPollHoldSeconds * 1000;
  for (;;) {
    // A client that has gone must not take the one-time 405: the page's next poll needs it.
    if (req.signal.aborted) return pollBody(408, '');
    const session = ctx.state.qrSessions.get(uuid);
    if (!session) return pollBody(402, '');
    expireIfDue(ctx, session);
    const code = pollCode(session.qr);
    if (session.qr.status === 'confirmed') {
      const wxCode = session.qr.code;
      applyQrEvent(ctx, session, { type: 'deliver' });
      return pollBody(405, wxCode);
    }
    if (code === 402 || (code !== 408 && String(code) !== last)) return pollBody(code, '');
    const remaining = deadline - Date.now();
    if (remaining <= 0) return pollBody(408, '');
    const untilExpiry = Math.max(1, session.expiresAt - ctx.clock.now());
    await ctx.signals.wait(uuid, Math.min(remaining, untilExpiry), req.signal);
  }
}

/** `GET /connect/confirm?uuid`: opening the QR link is the scan; shows the persona choice. */
export function showConfirmPage(req: MockRequest, ctx: WechatContext): MockResponse {
  const lang = pageLang(param(req, 'lang'));
  const t = WECHAT_TEXT[lang];
  const session = ctx.state.qrSessions.get(param(req, 'uuid') ?? '');
  if (session) expireIfDue(ctx, session);
  if (!session || !['waiting', 'scanned', 'cancelled'].includes(session.qr.status)) {
    return htmlResponse(renderPhoneMessage(t.invalidTitle, t.invalidTip, lang));
  }
  if (session.qr.status !== 'scanned')
    applyQrEvent(ctx, session, { type: 'scan', personaId: null });
  const selected = session.qr.status === 'scanned' ? session.qr.personaId : null;
  return htmlResponse(
    renderConfirmPage({
      uuid: session.uuid,
      appName: ctx.world.app(session.appid)?.name ?? session.appid,
      users: ctx.world.users,
      selected,
      lang,
    }),
  );
}

/** `POST /connect/confirm` (form: uuid, user, action=agree|cancel): the phone's decision. */
export function submitConfirm(req: MockRequest, ctx: WechatContext): MockResponse {
  const lang = pageLang(param(req, 'lang'));
  const t = WECHAT_TEXT[lang];
  const session = ctx.state.qrSessions.get(param(req, 'uuid') ?? '');
  const invalid = (): MockResponse =>
    htmlResponse(renderPhoneMessage(t.invalidTitle, t.invalidTip, lang));
  if (!session) return invalid();
  expireIfDue(ctx, session);
  const action = param(req, 'action');
  try {
    if (action === 'cancel') {
      applyQrEvent(ctx, session, { type: 'cancel' });
      return htmlResponse(renderPhoneMessage(t.cancelledTitle, '', lang));
    }
    const user = ctx.world.user(param(req, 'user') ?? '');
    if (action !== 'agree' || !user) {
      return htmlResponse(renderPhoneMessage(t.invalidTitle, t.invalidTip, lang), 400);
    }
    confirmQr(ctx, session, user.persona.id);
    return htmlResponse(renderPhoneMessage(t.confirmedTitle, t.confirmedTip, lang));
  } catch (error) {
    if (error instanceof MockApiError) return invalid();
    throw error;
  }
}
