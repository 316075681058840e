#!/usr/bin/env node
/**
 * The `idmock` command line.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { IdmockError } from '../core/errors.js';
import {
  authProviderUrls,
  configFromEnv,
  readConfigFile,
  resolveConfig,
  SERVICE_NAMES,
  type ConfigInput,
  type ServiceName,
} from '../runtime/config.js';
import type { RunningIdmock } from '../runtime/start.js';
import { registerQaCommands } from './qa.js';
import { readySummary } from './ready.js';
import { registerSmsCommand } from './sms.js';
import { registerVerifyCommand } from './verify.js';

interface StartFlags {
  host?: string;
  port?: string;
  authPort?: string;
  wechatPort?: string;
  qqPort?: string;
  seed?: string;
  config?: string;
  world?: string;
  autoApprove?: string;
  adminToken?: string;
  wechatUrl?: string;
  qqUrl?: string;
  stateFile?: string;
  scenario?: string[];
  journalLimit?: string;
  json?: boolean;
}

function portArg(value: string): string {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535) {
    throw new InvalidArgumentError('must be a port number between 0 and 65535');
  }
  return value;
}

function flagsToConfig(flags: StartFlags, services: readonly ServiceName[]): ConfigInput {
  const input: ConfigInput = {};
  const ports: Partial<Record<ServiceName, string>> = {};
  if (flags.host !== undefined) input.host = flags.host;
  if (flags.seed !== undefined) input.seed = flags.seed;
  if (flags.world !== undefined) input.worldDir = flags.world;
  if (flags.autoApprove !== undefined) input.autoApprove = flags.autoApprove;
  if (flags.adminToken !== undefined) input.adminToken = flags.adminToken;
  const auth = authProviderUrls(flags.wechatUrl, flags.qqUrl);
  if (auth) input.auth = auth;
  if (flags.stateFile !== undefined) input.stateFile = flags.stateFile;
  if (flags.scenario !== undefined) input.scenarios = flags.scenario;
  if (flags.journalLimit !== undefined) input.journalLimit = flags.journalLimit;
  if (flags.authPort !== undefined) ports.auth = flags.authPort;
  if (flags.wechatPort !== undefined) ports.wechat = flags.wechatPort;
  if (flags.qqPort !== undefined) ports.qq = flags.qqPort;
  if (flags.port !== undefined) {
    const only = services[0];
    if (services.length !== 1 || only === undefined) {
      throw new IdmockError(
        'IDMOCK_INVALID_ARGUMENT',
        '--port needs exactly one service (e.g. `idmock start wechat --port 8080`)',
      );
    }
    ports[only] = flags.port;
  }
  if (Object.keys(ports).length > 0) input.ports = ports;
  return input;
}

async function runStart(serviceArgs: string[], flags: StartFlags): Promise<void> {
  const services = (serviceArgs.length === 0 ? [...SERVICE_NAMES] : serviceArgs) as ServiceName[];
  const unknown = services.filter((name) => !SERVICE_NAMES.includes(name));
  if (unknown.length > 0) {
    throw new IdmockError(
      'IDMOCK_INVALID_ARGUMENT',
      `unknown service ${unknown.join(', ')} (choose from ${SERVICE_NAMES.join(', ')})`,
    );
  }
  const configPath = flags.config ?? process.env['IDMOCK_CONFIG'];
  const config = resolveConfig(
    configPath === undefined ? undefined : readConfigFile(configPath),
    configFromEnv(process.env),
    flagsToConfig(flags, services),
  );
  // Loaded on demand, so the QA subcommands start without the whole simulation.
  const { startIdmock } = await import('../runtime/start.js');
  const running: RunningIdmock = await startIdmock({ config, services });
  process.stdout.write(readySummary(running, flags.json === true));
  let stopping = false;
  // Stopping drains in-flight requests (bounded by the servers' drain time) and flushes the state
  // file. Repeated signals are ignored: a process group kill delivers one through npx and tsx too.
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(
          `[idmock] stopping failed: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/** Builds the program (exported for tests of `--help`). */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('idmock')
    .description('Mock WeChat and QQ login providers, a reference auth server, and contract tests.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  program
    .command('start')
    .description(
      'Start the services (default: all of auth, wechat, qq) in one process, sharing one clock and one seeded world.',
    )
    .argument('[services...]', `services to start: ${SERVICE_NAMES.join(', ')}`)
    .option('--host <host>', 'address to listen on (env IDMOCK_HOST)', undefined)
    .addOption(new Option('--port <port>', 'port of the single service started').argParser(portArg))
    .addOption(
      new Option(
        '--auth-port <port>',
        'auth server port, 0 for a free one (env IDMOCK_AUTH_PORT, default 7700)',
      ).argParser(portArg),
    )
    .addOption(
      new Option(
        '--wechat-port <port>',
        'WeChat mock port (env IDMOCK_WECHAT_PORT, default 7701)',
      ).argParser(portArg),
    )
    .addOption(
      new Option('--qq-port <port>', 'QQ mock port (env IDMOCK_QQ_PORT, default 7702)').argParser(
        portArg,
      ),
    )
    .option(
      '--seed <seed>',
      'world seed for generated personas and ids (env IDMOCK_SEED, default "idmock")',
    )
    .option('--config <file>', 'JSON config file (env IDMOCK_CONFIG)')
    .option(
      '--wechat-url <url>',
      'base URL where the auth server reaches WeChat (env IDMOCK_WECHAT_URL; default: the WeChat mock it runs beside)',
    )
    .option(
      '--qq-url <url>',
      'base URL where the auth server reaches QQ (env IDMOCK_QQ_URL; default: the QQ mock it runs beside)',
    )
    .option(
      '--world <dir>',
      'directory of the mocked world (env IDMOCK_WORLD, default: the bundled mock-providers/)',
    )
    .option(
      '--auto-approve <persona>',
      'answer authorize URLs at once as this persona (env IDMOCK_AUTO_APPROVE)',
    )
    .option(
      '--admin-token <token>',
      'token required by /__mock/ endpoints off loopback (env IDMOCK_ADMIN_TOKEN)',
    )
    .option(
      '--state-file <file>',
      'load the world from this JSON file and write every change to it before answering (env IDMOCK_STATE_FILE)',
    )
    .option(
      '--scenario <name>',
      'apply a scenario preset from mock-providers/scenarios/ at start (repeatable; env IDMOCK_SCENARIOS)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option(
      '--journal-limit <n>',
      'requests kept in each service journal (env IDMOCK_JOURNAL_LIMIT, default 1000)',
    )
    .option('--json', 'print the ready line and world as JSON')
    .action(runStart);
  registerQaCommands(program);
  registerSmsCommand(program);
  registerVerifyCommand(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exit(error.exitCode === 0 ? 0 : 2);
    }
    if (error instanceof IdmockError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(
        error.code === 'IDMOCK_PORT_IN_USE' || error.code === 'IDMOCK_LISTEN_FAILED' ? 1 : 2,
      );
    }
    process.stderr.write(`[idmock] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

await main(process.argv);
