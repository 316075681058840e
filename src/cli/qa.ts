/**
 * QA subcommands: script the world and the phone of a running idmock over HTTP (`idmock clock`,
 * `idmock fault`, `idmock users`, `idmock scan`, `idmock authorize`, `idmock journal`,
 * `idmock scenario`, `idmock state`). Each talks to one service through the typed admin client.
 * Exit codes: 0 ok, 1 the service refused or could not be reached, 2 bad usage.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '../core/duration.js';
import { IDMOCK_INVALID_ARGUMENT, IdmockError } from '../core/errors.js';
import type { Fault } from '../core/faults.js';
import type { JournalEntry } from '../core/journal.js';
import {
  createAdminClient,
  httpAdminTransport,
  IdmockAdminError,
  type AdminFaultInput,
  type IdmockAdmin,
} from '../runtime/admin-client.js';
import { DEFAULT_CONFIG, SERVICE_NAMES, type ServiceName } from '../runtime/config.js';

/** Options every QA subcommand accepts. */
interface TargetFlags {
  url?: string;
  service?: ServiceName;
  adminToken?: string;
  json?: boolean;
}

const PORT_ENV: Readonly<Record<ServiceName, string>> = {
  auth: 'IDMOCK_AUTH_PORT',
  wechat: 'IDMOCK_WECHAT_PORT',
  qq: 'IDMOCK_QQ_PORT',
};

/** The default URL of a service: `IDMOCK_HOST` and its port variable, or the default ports. */
export function defaultServiceUrl(service: ServiceName, env: NodeJS.ProcessEnv): string {
  const host = env['IDMOCK_HOST'] ?? DEFAULT_CONFIG.host;
  const reachable = ['0.0.0.0', '::', ''].includes(host) ? '127.0.0.1' : host;
  const port = env[PORT_ENV[service]] ?? String(DEFAULT_CONFIG.ports[service]);
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

function serviceArg(value: string): ServiceName {
  const found = SERVICE_NAMES.find((name) => name === value);
  if (!found) throw new InvalidArgumentError(`choose one of ${SERVICE_NAMES.join(', ')}`);
  return found;
}

function intArg(min: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min) {
      throw new InvalidArgumentError(`must be a whole number of at least ${min}`);
    }
    return Number(value);
  };
}

function urlArg(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new InvalidArgumentError('must be an http(s) URL such as http://127.0.0.1:7701');
  }
  return value;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Adds `--url`, `--service`, `--admin-token` and `--json` to a subcommand. */
function withTarget(command: Command, defaultService: ServiceName | undefined): Command {
  const service = new Option(
    '--service <name>',
    `service to talk to: ${SERVICE_NAMES.join(', ')}${defaultService ? ` (default ${defaultService})` : ''}`,
  ).argParser(serviceArg);
  return command
    .addOption(
      new Option(
        '--url <url>',
        "the service's base URL (default from IDMOCK_HOST and its port variable, e.g. http://127.0.0.1:7701)",
      ).argParser(urlArg),
    )
    .addOption(service)
    .option('--admin-token <token>', 'admin token, needed off loopback (env IDMOCK_ADMIN_TOKEN)')
    .option('--json', 'print the answer as JSON');
}

function clientFor(
  flags: TargetFlags,
  fallback: ServiceName,
): { admin: IdmockAdmin; service: ServiceName } {
  const service = flags.service ?? fallback;
  const url = flags.url ?? defaultServiceUrl(service, process.env);
  const adminToken = flags.adminToken ?? process.env['IDMOCK_ADMIN_TOKEN'] ?? null;
  return {
    admin: createAdminClient(httpAdminTransport({ [service]: url }, { adminToken })),
    service,
  };
}

/** A failure of the request, not of its usage (exit code 1). */
class CliFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliFailure';
  }
}

/** Maps admin errors to exit codes: a 400 is bad usage (2), anything else a failure (1). */
function run<Args extends unknown[]>(
  action: (...args: Args) => Promise<void>,
): (...args: Args) => Promise<void> {
  return async (...args) => {
    try {
      await action(...args);
    } catch (error) {
      if (error instanceof IdmockAdminError) {
        const message = error.message.replace(/^\[idmock\] /, '');
        if (error.status === 400) throw new IdmockError(IDMOCK_INVALID_ARGUMENT, message);
        throw new CliFailure(message);
      }
      throw error;
    }
  };
}

function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

function describeFault(fault: Fault & { service?: string }): string {
  const effect = fault.effect;
  const what =
    effect.kind === 'error'
      ? `error ${effect.error}`
      : effect.kind === 'status'
        ? `status ${effect.status}`
        : effect.kind === 'delay'
          ? `delay ${effect.delayMs}ms`
          : 'drop connection';
  const times = fault.times === 'always' ? 'always' : `${fault.remaining ?? 0}/${fault.times} left`;
  const scope = Object.entries(fault.scope)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  return `${fault.id.padEnd(5)} ${fault.route.padEnd(28)} ${what.padEnd(24)} ${times}${scope === '' ? '' : `  [${scope}]`}`;
}

function addClock(program: Command): void {
  const clock = withTarget(
    program
      .command('clock')
      .description('Show, advance or reset the shared mock clock of a running idmock.')
      .argument('[action]', 'show (default), advance or reset', 'show')
      .argument('[duration]', 'with advance: how far, e.g. 2h, 90s, 1h30m, 3d')
      .addHelpText(
        'after',
        '\nExamples:\n  idmock clock\n  idmock clock advance 2h\n  idmock clock reset --url http://127.0.0.1:7702',
      ),
    'wechat',
  );
  clock.action(
    run(async (action: string, duration: string | undefined, flags: TargetFlags) => {
      const { admin } = clientFor(flags, 'wechat');
      let view;
      if (action === 'show') {
        view = await admin.clock.get();
      } else if (action === 'advance') {
        if (duration === undefined) {
          throw new IdmockError(IDMOCK_INVALID_ARGUMENT, 'clock advance needs a duration, e.g. 2h');
        }
        if (parseDuration(duration) === undefined) {
          throw new IdmockError(
            IDMOCK_INVALID_ARGUMENT,
            `"${duration}" is not a duration (try 90s, 10m, 2h, 1h30m or 3d)`,
          );
        }
        view = await admin.clock.advance(duration);
      } else if (action === 'reset') {
        view = await admin.clock.reset();
      } else {
        throw new IdmockError(
          IDMOCK_INVALID_ARGUMENT,
          `unknown clock action "${action}" (show, advance, reset)`,
        );
      }
      if (flags.json === true) printJson(view);
      else print(`${view.now}  (offset ${Math.round(view.offsetMs / 1000)}s)`);
    }),
  );
}

interface FaultAddFlags extends TargetFlags {
  error?: string;
  status?: number;
  delay?: string;
  drop?: boolean;
  times?: number;
  always?: boolean;
  appid?: string;
  clientId?: string;
  persona?: string;
  scope?: string[];
  body?: string;
}

function addFaults(program: Command): void {
  const fault = program
    .command('fault')
    .description('Add, list and clear faults on the endpoints of a running idmock.');
  withTarget(
    fault
      .command('add')
      .description(
        'Make the next N calls (or every call) of an endpoint fail: a catalogue error, an HTTP status, a delay or a dropped connection.',
      )
      .argument(
        '<route>',
        'route name such as wechat.exchangeCode, a prefix such as wechat.*, or *',
      )
      .option(
        '--error <key>',
        'answer this catalogue error (WeChat: minuteQuota, systemError, accessTokenExpired, ...)',
      )
      .addOption(new Option('--status <code>', 'answer this HTTP status').argParser(intArg(100)))
      .option('--delay <time>', 'answer normally after a delay: milliseconds, or 500ms, 2s')
      .option('--drop', 'drop the connection without answering')
      .addOption(new Option('--times <n>', 'how many calls (default 1)').argParser(intArg(1)))
      .option('--always', 'every call until cleared')
      .option('--appid <appid>', 'only calls for this WeChat appid')
      .option('--client-id <id>', 'only calls for this QQ client_id')
      .option('--persona <id>', 'only calls acting for this persona')
      .option('--scope <param=value>', 'only calls with this parameter value (repeatable)', collect)
      .option('--body <text>', 'body of a --status fault')
      .addHelpText(
        'after',
        '\nExamples:\n  idmock fault add wechat.exchangeCode --error minuteQuota --times 3\n  idmock fault add wechat.getUserInfo --status 503 --always\n  idmock fault add "wechat.*" --delay 2s --appid wx1a2b3c4d5e6f7081\n  idmock fault add qq.me --drop',
      ),
    undefined,
  ).action(
    run(async (route: string, flags: FaultAddFlags) => {
      const scope: Record<string, string> = {};
      for (const pair of flags.scope ?? []) {
        const at = pair.indexOf('=');
        if (at <= 0) {
          throw new IdmockError(IDMOCK_INVALID_ARGUMENT, `--scope ${pair}: use param=value`);
        }
        scope[pair.slice(0, at)] = pair.slice(at + 1);
      }
      if (flags.appid !== undefined) scope['appid'] = flags.appid;
      if (flags.clientId !== undefined) scope['client_id'] = flags.clientId;
      if (flags.persona !== undefined) scope['persona'] = flags.persona;
      if (flags.always === true && flags.times !== undefined) {
        throw new IdmockError(IDMOCK_INVALID_ARGUMENT, 'give --times or --always, not both');
      }
      const delay =
        flags.delay === undefined
          ? undefined
          : /^\d+$/.test(flags.delay)
            ? Number(flags.delay)
            : flags.delay;
      const input: AdminFaultInput = {
        route,
        times: flags.always === true ? 'always' : (flags.times ?? 1),
        scope,
        ...(flags.error === undefined ? {} : { error: flags.error }),
        ...(flags.status === undefined ? {} : { status: flags.status }),
        ...(delay === undefined ? {} : { delay }),
        ...(flags.drop === true ? { drop: true as const } : {}),
        ...(flags.body === undefined ? {} : { body: flags.body }),
      };
      const prefix = route.split('.')[0] ?? '';
      const routeService = SERVICE_NAMES.find((name) => name === prefix);
      const fallback = flags.service ?? routeService ?? 'wechat';
      const { admin, service } = clientFor(flags, fallback);
      const added = await admin.faults.add({ ...input, service });
      if (flags.json === true) printJson(added);
      else print(`added ${describeFault(added)}`);
    }),
  );
  withTarget(fault.command('list').description('List the faults of a service.'), 'wechat').action(
    run(async (flags: TargetFlags) => {
      const { admin, service } = clientFor(flags, 'wechat');
      const faults = await admin.faults.list(service);
      if (flags.json === true) printJson(faults);
      else if (faults.length === 0) print(`no faults on ${service}`);
      else print(faults.map(describeFault).join('\n'));
    }),
  );
  withTarget(
    fault
      .command('clear')
      .description('Remove one fault by id, or every fault of a service.')
      .argument('[id]', 'the fault to remove (default: all)'),
    'wechat',
  ).action(
    run(async (id: string | undefined, flags: TargetFlags) => {
      const { admin, service } = clientFor(flags, 'wechat');
      if (id === undefined) {
        const cleared = await admin.faults.clear(service);
        if (flags.json === true) printJson({ cleared });
        else print(`cleared ${cleared} fault${cleared === 1 ? '' : 's'} on ${service}`);
      } else {
        await admin.faults.remove(service, id);
        if (flags.json === true) printJson({ cleared: 1 });
        else print(`cleared ${id} on ${service}`);
      }
    }),
  );
}

function addUsers(program: Command): void {
  withTarget(
    program
      .command('users')
      .description('List the personas of a provider with the openid each app sees.'),
    'wechat',
  ).action(
    run(async (flags: TargetFlags) => {
      const { admin, service } = clientFor(flags, 'wechat');
      const users = (await admin.request(service, 'GET', '/__mock/users')) as {
        users?: { id: string; nickname: string; openids?: Record<string, string> }[];
      };
      if (flags.json === true) {
        printJson(users);
        return;
      }
      const lines: string[] = [];
      for (const user of users.users ?? []) {
        lines.push(`${user.id.padEnd(14)} ${user.nickname}`);
        for (const [app, openid] of Object.entries(user.openids ?? {})) {
          lines.push(`  ${app.padEnd(20)} ${openid}`);
        }
      }
      print(lines.length === 0 ? `no users on ${service}` : lines.join('\n'));
    }),
  );
}

interface ScanFlags extends TargetFlags {
  as?: string;
  confirm?: boolean;
  cancel?: boolean;
}

function addScan(program: Command): void {
  withTarget(
    program
      .command('scan')
      .description(
        'Play the phone for a WeChat website QR login: scan the code as a persona, then optionally confirm or cancel.',
      )
      .argument('<uuid>', 'the QR session uuid (see GET /__mock/qr or the page)')
      .requiredOption('--as <persona>', 'persona id or openid scanning the code')
      .option('--confirm', 'confirm the login after scanning')
      .option('--cancel', 'cancel the login after scanning')
      .addHelpText(
        'after',
        '\nExamples:\n  idmock scan 081fNLs3OTjRKaOo --as zhang-wei --confirm\n  idmock scan 081fNLs3OTjRKaOo --as li-na --cancel',
      ),
    'wechat',
  ).action(
    run(async (uuid: string, flags: ScanFlags) => {
      if (flags.confirm === true && flags.cancel === true) {
        throw new IdmockError(IDMOCK_INVALID_ARGUMENT, 'give --confirm or --cancel, not both');
      }
      const { admin } = clientFor({ ...flags, service: 'wechat' }, 'wechat');
      let session = await admin.wechat.qr.scan(uuid, flags.as);
      if (flags.confirm === true) session = await admin.wechat.qr.confirm(uuid, flags.as);
      if (flags.cancel === true) session = await admin.wechat.qr.cancel(uuid);
      if (flags.json === true) printJson(session);
      else
        print(
          `${session.uuid} ${session.status}${session.personaId ? ` (${session.personaId})` : ''}`,
        );
    }),
  );
}

interface AuthorizeFlags extends TargetFlags {
  as?: string;
  redirectUri?: string;
  scope?: string;
  state?: string;
}

function addAuthorize(program: Command): void {
  withTarget(
    program
      .command('authorize')
      .description(
        'Headless consent: get a real, single-use code for a persona, validated like the real authorize step. Prints the code.',
      )
      .argument('<app>', 'WeChat appid, or QQ client_id with --service qq')
      .requiredOption('--as <persona>', 'persona id or openid consenting')
      .option('--redirect-uri <uri>', "redirect_uri (on the app's registered domain)")
      .option('--scope <scope>', 'scope, e.g. snsapi_login or get_user_info')
      .option('--state <state>', 'state echoed in the callback', '')
      .addHelpText(
        'after',
        '\nExample:\n  code=$(idmock authorize wx1a2b3c4d5e6f7081 --as zhang-wei --scope snsapi_login --redirect-uri http://localhost/cb)',
      ),
    'wechat',
  ).action(
    run(async (app: string, flags: AuthorizeFlags) => {
      const { admin, service } = clientFor(flags, 'wechat');
      const common = {
        user: flags.as ?? '',
        state: flags.state ?? '',
        ...(flags.redirectUri === undefined ? {} : { redirect_uri: flags.redirectUri }),
        ...(flags.scope === undefined ? {} : { scope: flags.scope }),
      };
      const consent =
        service === 'qq'
          ? await admin.qq.authorize({ client_id: app, ...common })
          : await admin.wechat.authorize({ appid: app, ...common });
      if (flags.json === true) printJson(consent);
      else print(consent.code);
    }),
  );
}

interface JournalFlags extends TargetFlags {
  route?: string;
  method?: string;
  path?: string;
  status?: number;
  limit?: number;
  clear?: boolean;
}

function addJournal(program: Command): void {
  withTarget(
    program
      .command('journal')
      .description('Show (or clear) the requests a service received and what it answered.')
      .option('--route <name>', 'only this route, or a prefix such as wechat.*')
      .option('--method <method>', 'only this method')
      .option('--path <text>', 'only paths containing this text')
      .addOption(new Option('--status <code>', 'only this status').argParser(intArg(0)))
      .addOption(new Option('--limit <n>', 'only the newest n entries').argParser(intArg(1)))
      .option('--clear', 'empty the journal instead'),
    'wechat',
  ).action(
    run(async (flags: JournalFlags) => {
      const { admin, service } = clientFor(flags, 'wechat');
      if (flags.clear === true) {
        const cleared = await admin.journal.clear(service);
        print(flags.json === true ? JSON.stringify({ cleared }) : `cleared ${cleared} entries`);
        return;
      }
      const entries: JournalEntry[] = await admin.journal.query(service, {
        ...(flags.route === undefined ? {} : { route: flags.route }),
        ...(flags.method === undefined ? {} : { method: flags.method }),
        ...(flags.path === undefined ? {} : { path: flags.path }),
        ...(flags.status === undefined ? {} : { status: flags.status }),
        ...(flags.limit === undefined ? {} : { limit: flags.limit }),
      });
      if (flags.json === true) {
        printJson(entries);
        return;
      }
      print(
        entries.length === 0
          ? 'no entries'
          : entries
              .map(
                (e) =>
                  `${String(e.seq).padStart(4)} ${e.time} ${e.method.padEnd(6)} ${String(e.response.status).padEnd(3)} ${(e.route ?? '-').padEnd(26)} ${e.path}${e.faults.length > 0 ? `  faults: ${e.faults.join(',')}` : ''}`,
              )
              .join('\n'),
      );
    }),
  );
}

function addScenario(program: Command): void {
  withTarget(
    program
      .command('scenario')
      .description(
        'List scenario presets, or apply one to the running process (every service in it).',
      )
      .argument('[action]', 'list (default) or apply', 'list')
      .argument('[name]', 'with apply: the scenario, e.g. wechat-rate-limit'),
    'wechat',
  ).action(
    run(async (action: string, name: string | undefined, flags: TargetFlags) => {
      const { admin } = clientFor(flags, 'wechat');
      if (action === 'list') {
        const scenarios = await admin.scenarios.list();
        if (flags.json === true) printJson(scenarios);
        else {
          print(
            scenarios
              .map((s) => `${s.name.padEnd(28)} ${s.description}${s.problems ? ' (invalid)' : ''}`)
              .join('\n'),
          );
        }
        return;
      }
      if (action !== 'apply' || name === undefined) {
        throw new IdmockError(
          IDMOCK_INVALID_ARGUMENT,
          'use `idmock scenario list` or `idmock scenario apply NAME`',
        );
      }
      const result = await admin.scenarios.apply(name);
      if (flags.json === true) printJson(result);
      else {
        print(
          [
            `applied ${result.name}`,
            ...result.applied.map((line) => `  ${line}`),
            ...result.skipped.map((line) => `  skipped: ${line}`),
          ].join('\n'),
        );
      }
    }),
  );
}

interface StateFlags extends TargetFlags {
  out?: string;
}

function addState(program: Command): void {
  withTarget(
    program
      .command('state')
      .description("Export, import or reset a service's state (codes, tokens, sessions).")
      .argument('<action>', 'export, import or reset')
      .argument('[file]', 'with import: the state document to load')
      .option('--out <file>', 'with export: write to this file instead of stdout'),
    'wechat',
  ).action(
    run(async (action: string, file: string | undefined, flags: StateFlags) => {
      const { admin } = clientFor(flags, 'wechat');
      if (action === 'export') {
        const document = await admin.state.export();
        const text = `${JSON.stringify(document, null, 2)}\n`;
        if (flags.out === undefined) print(text);
        else await writeFile(flags.out, text);
      } else if (action === 'import') {
        if (file === undefined) {
          throw new IdmockError(IDMOCK_INVALID_ARGUMENT, 'state import needs a file');
        }
        let document: unknown;
        try {
          document = JSON.parse(await readFile(file, 'utf8'));
        } catch (cause) {
          throw new IdmockError(IDMOCK_INVALID_ARGUMENT, `cannot read ${file} as JSON`, { cause });
        }
        await admin.state.import(document as Parameters<IdmockAdmin['state']['import']>[0]);
        print('imported');
      } else if (action === 'reset') {
        await admin.state.reset();
        print('reset');
      } else {
        throw new IdmockError(IDMOCK_INVALID_ARGUMENT, `unknown state action "${action}"`);
      }
    }),
  );
}

/**
 * Registers the QA subcommands on the program.
 * @example
 * const program = new Command('idmock');
 * registerQaCommands(program);
 */
export function registerQaCommands(program: Command): void {
  addClock(program);
  addFaults(program);
  addUsers(program);
  addScan(program);
  addAuthorize(program);
  addJournal(program);
  addScenario(program);
  addState(program);
}
