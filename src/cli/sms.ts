/**
 * `idmock sms [--tn N]`: reads the auth server's SMS outbox (`GET /__mock/sms`) of a running
 * idmock, so a tester or a script can type the code the "phone" received. `--latest` prints only
 * the newest live code, for shell scripts:
 *
 *     CODE=$(idmock sms --tn 13511112222 --latest)
 *
 * Exit codes: 0 ok, 1 the server refused, could not be reached, or (with `--latest`) holds no live
 * code; 2 bad usage.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { IDMOCK_INVALID_ARGUMENT, IdmockError } from '../core/errors.js';
import {
  createAdminClient,
  httpAdminTransport,
  IdmockAdminError,
} from '../runtime/admin-client.js';
import { defaultServiceUrl } from './qa.js';

interface SmsFlags {
  tn?: string;
  url?: string;
  adminToken?: string;
  latest?: boolean;
  json?: boolean;
}

/** A message as `GET /__mock/sms` lists it. */
interface OutboxMessage {
  readonly id: number;
  readonly tn: string;
  readonly code: string;
  readonly text: string;
  readonly sentAt: string;
  readonly expiresAt: string;
  readonly status: string;
}

function tnArg(value: string): string {
  if (!/^\+?[0-9]{5,20}$/.test(value)) {
    throw new InvalidArgumentError('must be a phone number: digits, optionally after "+"');
  }
  return value;
}

function urlArg(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new InvalidArgumentError('must be an http(s) URL such as http://127.0.0.1:7700');
  }
  return value;
}

function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

async function readOutbox(flags: SmsFlags): Promise<OutboxMessage[]> {
  const url = flags.url ?? defaultServiceUrl('auth', process.env);
  const adminToken = flags.adminToken ?? process.env['IDMOCK_ADMIN_TOKEN'] ?? null;
  const admin = createAdminClient(httpAdminTransport({ auth: url }, { adminToken }));
  const path =
    flags.tn === undefined ? '/__mock/sms' : `/__mock/sms?tn=${encodeURIComponent(flags.tn)}`;
  try {
    const answer = (await admin.request('auth', 'GET', path)) as { messages?: OutboxMessage[] };
    return answer.messages ?? [];
  } catch (error) {
    if (error instanceof IdmockAdminError) {
      const message = error.message.replace(/^\[idmock\] /, '');
      // A 400 is bad usage (exit 2); a refusal or an unreachable server is a failure (exit 1).
      if (error.status === 400) throw new IdmockError(IDMOCK_INVALID_ARGUMENT, message);
      throw new Error(message, { cause: error });
    }
    throw error;
  }
}

async function showOutbox(flags: SmsFlags): Promise<void> {
  const messages = await readOutbox(flags);
  if (flags.latest === true) {
    const live = messages.filter((message) => message.status === 'sent').at(-1);
    if (!live) {
      throw new Error(`no live SMS code${flags.tn === undefined ? '' : ` for ${flags.tn}`}`);
    }
    print(flags.json === true ? JSON.stringify(live, null, 2) : live.code);
    return;
  }
  if (flags.json === true) {
    print(JSON.stringify({ messages }, null, 2));
    return;
  }
  if (messages.length === 0) {
    print(flags.tn === undefined ? 'the SMS outbox is empty' : `no SMS sent to ${flags.tn}`);
    return;
  }
  print(
    messages
      .map(
        (message) =>
          `${message.sentAt}  ${message.tn.padEnd(14)} ${message.code}  ${message.status.padEnd(8)} expires ${message.expiresAt}`,
      )
      .join('\n'),
  );
}

/**
 * Registers `idmock sms` on the program.
 * @example
 * const program = new Command('idmock');
 * registerSmsCommand(program);
 */
export function registerSmsCommand(program: Command): void {
  program
    .command('sms')
    .description(
      'Show the SMS codes the auth server "sent" (its outbox), oldest first, for the WeChat QR login registration.',
    )
    .addOption(new Option('--tn <phone>', 'only messages to this phone number').argParser(tnArg))
    .option('--latest', 'print only the newest code that is still usable')
    .addOption(
      new Option(
        '--url <url>',
        "the auth server's base URL (default from IDMOCK_HOST and IDMOCK_AUTH_PORT, e.g. http://127.0.0.1:7700)",
      ).argParser(urlArg),
    )
    .option('--admin-token <token>', 'admin token, needed off loopback (env IDMOCK_ADMIN_TOKEN)')
    .option('--json', 'print the answer as JSON')
    .action(showOutbox);
}
