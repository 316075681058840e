/**
 * `idmock verify`: checks an external implementation against the committed contracts. Exit codes:
 * 0 every interaction passed, 1 verification failed (or the implementation could not be reached),
 * 2 bad usage (unknown target, bad URL, unreadable contract, Pact not installed).
 *
 * For `--target auth-server`, the server under test must call WeChat and QQ mocks the harness can
 * drive: `--wechat-url`/`--qq-url` name running ones (idmock-compatible), otherwise the harness
 * starts its own on `--wechat-port`/`--qq-port` (7701/7702) of 127.0.0.1 for the run.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  isTargetName,
  TARGET_DESCRIPTIONS,
  TARGET_NAMES,
  type TargetName,
} from '../contract/target-names.js';

interface VerifyFlags {
  target: TargetName;
  baseUrl: string;
  stateChangeUrl?: string;
  pact?: string[];
  adminToken?: string;
  timeout?: number;
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  wechatUrl?: string;
  qqUrl?: string;
  wechatPort?: number;
  qqPort?: number;
}

function targetArg(value: string): TargetName {
  if (!isTargetName(value)) {
    throw new InvalidArgumentError(`choose one of ${TARGET_NAMES.join(', ')}`);
  }
  return value;
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

function secondsArg(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError('must be a whole number of seconds, at least 1');
  }
  return Number(value) * 1000;
}

function portArg(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535) {
    throw new InvalidArgumentError('must be a port number between 0 and 65535');
  }
  return Number(value);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

const TARGET_HELP = TARGET_NAMES.map(
  (name) => `  ${name.padEnd(12)} ${TARGET_DESCRIPTIONS[name]}`,
).join('\n');

/** Adds `idmock verify` to the program. */
export function registerVerifyCommand(program: Command): Command {
  return program
    .command('verify')
    .description(
      'Verify an implementation against the committed Pact contracts (needs @pact-foundation/pact).',
    )
    .addOption(
      new Option('--target <name>', `kind of implementation: ${TARGET_NAMES.join(', ')}`)
        .argParser(targetArg)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--base-url <url>', 'where the implementation listens')
        .argParser(urlArg)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        '--state-change-url <url>',
        "Pact state-change URL: POSTed {state, params, action} before and after each interaction (default: use the target's /__mock/ endpoints); for auth-server, asked only for SMS codes",
      ).argParser(urlArg),
    )
    .addOption(
      new Option(
        '--wechat-url <url>',
        'auth-server: the running WeChat mock the server under test calls (with --qq-url; default: start one)',
      ).argParser(urlArg),
    )
    .addOption(
      new Option(
        '--qq-url <url>',
        'auth-server: the running QQ mock the server under test calls (with --wechat-url)',
      ).argParser(urlArg),
    )
    .addOption(
      new Option(
        '--wechat-port <port>',
        'auth-server: port of the WeChat mock verify starts on 127.0.0.1 (default 7701)',
      ).argParser(portArg),
    )
    .addOption(
      new Option(
        '--qq-port <port>',
        'auth-server: port of the QQ mock verify starts on 127.0.0.1 (default 7702)',
      ).argParser(portArg),
    )
    .option(
      '--pact <file>',
      "contract file to verify (repeatable; default: the target's files in contracts/)",
      collect,
    )
    .option('--admin-token <token>', "token for the target's /__mock/ endpoints off loopback")
    .addOption(
      new Option('--timeout <seconds>', 'longest one state set-up may take (default 10)').argParser(
        secondsArg,
      ),
    )
    .addOption(
      new Option('--log-level <level>', "Pact's own log level")
        .choices(['trace', 'debug', 'info', 'warn', 'error'])
        .default('error'),
    )
    .addHelpText(
      'after',
      `\nTargets:\n${TARGET_HELP}\n\nExit codes: 0 passed, 1 verification failed, 2 bad usage.\n` +
        'Examples:\n  idmock verify --target wechat --base-url http://127.0.0.1:7701\n' +
        '  idmock verify --target auth-server --base-url http://127.0.0.1:7700  # starts WeChat/QQ mocks on :7701/:7702\n' +
        '  idmock verify --target auth-server --base-url URL --wechat-url URL --qq-url URL\n' +
        'See contracts/README.md for verifying your own implementation.',
    )
    .action(async (flags: VerifyFlags) => {
      const providers = {
        ...(flags.wechatUrl === undefined ? {} : { wechatUrl: flags.wechatUrl }),
        ...(flags.qqUrl === undefined ? {} : { qqUrl: flags.qqUrl }),
        ...(flags.wechatPort === undefined ? {} : { wechatPort: flags.wechatPort }),
        ...(flags.qqPort === undefined ? {} : { qqPort: flags.qqPort }),
      };
      // Loaded on demand: the harness is not needed to start idmock or to print help.
      const { verifyTarget } = await import('../contract/verify.js');
      const result = await verifyTarget({
        target: flags.target,
        baseUrl: flags.baseUrl,
        ...(flags.pact === undefined ? {} : { pactFiles: flags.pact }),
        ...(flags.stateChangeUrl === undefined ? {} : { stateChangeUrl: flags.stateChangeUrl }),
        ...(flags.adminToken === undefined ? {} : { adminToken: flags.adminToken }),
        ...(flags.timeout === undefined ? {} : { timeoutMs: flags.timeout }),
        ...(flags.logLevel === undefined ? {} : { logLevel: flags.logLevel }),
        ...(Object.keys(providers).length === 0 ? {} : { providers }),
      });
      process.exitCode = result.passed ? 0 : 1;
    });
}
