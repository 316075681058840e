/**
 * `verifyTarget`: checks an implementation against the committed contracts with Pact's verifier.
 * Provider states are reached through the implementation's own mock-only endpoints when it is an
 * idmock-compatible mock, and otherwise through Pact's standard state-change URL. Failures are
 * reported per interaction, by name, with the defect spelled out.
 */
import { resolve } from 'node:path';
import { IDMOCK_INVALID_ARGUMENT, IdmockError } from '../core/errors.js';
import { contractPath } from './contracts.js';
import { reasonOf } from './http.js';
import { loadPact, type PactModule } from './pact-module.js';
import { readContract, type ContractFile, type ContractInteraction } from './pact-file.js';
import {
  outcomes,
  parseVerifierResult,
  renderFailures,
  type InteractionOutcome,
} from './report.js';
import { stateChangeStates } from './state-change.js';
import { CONTRACT_TARGETS, isTargetName, TARGET_NAMES, type TargetName } from './targets.js';
import { toPactStateHandlers } from './state-handlers.js';
import type { ContractTarget, PreparedTarget, ProviderMocksOptions, StateTable } from './types.js';

/** Options of {@link verifyTarget}. */
export interface VerifyOptions {
  /** Which kind of implementation this is (`wechat`, `qq`, `auth-server`). */
  readonly target: TargetName;
  /** Where it listens, e.g. `http://127.0.0.1:7701`. */
  readonly baseUrl: string;
  /** Contract files to verify (default: the target's committed contracts). */
  readonly pactFiles?: readonly string[];
  /**
   * Pact's state-change URL. For `wechat` and `qq`, every provider state is then set up (and torn
   * down) by POSTing `{state, params, action}` to it, and the target's `/__mock/` endpoints are
   * not used. For `auth-server`, it is asked only for what the harness cannot reach itself (the
   * SMS code a phone received) when the server has no `GET /__mock/sms`.
   */
  readonly stateChangeUrl?: string;
  /**
   * `auth-server` only: the WeChat and QQ mocks the server under test calls. Both URLs: use those
   * (idmock-compatible) mocks; otherwise the harness starts its own (default 127.0.0.1:7701 and
   * :7702) and stops them afterwards.
   */
  readonly providers?: ProviderMocksOptions;
  /** Bearer token for the target's `/__mock/` endpoints (needed when it is not on loopback). */
  readonly adminToken?: string;
  /** Longest one state set-up call may take (default 10 s). */
  readonly timeoutMs?: number;
  /** Log level of Pact itself (default `error`). */
  readonly logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** Where the report goes (default: stdout). Pact's own per-interaction output goes to stdout. */
  readonly print?: (text: string) => void;
  /** Replaces the import of `@pact-foundation/pact` (tests). */
  readonly loadPact?: () => Promise<PactModule>;
}

/** The outcome of {@link verifyTarget}. */
export interface VerifyResult {
  readonly passed: boolean;
  readonly target: TargetName;
  readonly baseUrl: string;
  readonly contracts: readonly string[];
  /**
   * How states were reached: the target's `/__mock/` endpoints, the state-change URL, or (the
   * auth server) the harness, through the public API and the provider mocks.
   */
  readonly states: 'mock-endpoints' | 'state-change-url' | 'harness';
  readonly interactions: readonly InteractionOutcome[];
  readonly failures: readonly InteractionOutcome[];
  /** Problems that stopped the run itself (target unreachable, verifier crash). */
  readonly errors: readonly string[];
  /** The printed report. */
  readonly report: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;

function checkUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new IdmockError(IDMOCK_INVALID_ARGUMENT, `${name} "${value}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new IdmockError(IDMOCK_INVALID_ARGUMENT, `${name} "${value}" must be http(s)`);
  }
  return value.replace(/\/+$/, '');
}

/** Probes `/__mock/healthz`: the mark of an idmock-compatible mock. */
async function probeMock(
  baseUrl: string,
  timeoutMs: number,
): Promise<'mock' | 'not-mock' | { unreachable: string }> {
  try {
    const response = await fetch(`${baseUrl}/__mock/healthz`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    return response.ok ? 'mock' : 'not-mock';
  } catch (error) {
    return { unreachable: reasonOf(error) };
  }
}

/** Checks the provider mock options: `auth-server` only, both URLs or neither. */
function checkProviders(
  target: ContractTarget,
  providers: ProviderMocksOptions | undefined,
): ProviderMocksOptions | undefined {
  if (providers === undefined) return undefined;
  const given = Object.entries(providers).filter(([, value]) => value !== undefined);
  if (given.length === 0) return undefined;
  if (target.stateChangeUrlUse !== 'fallback') {
    throw new IdmockError(
      IDMOCK_INVALID_ARGUMENT,
      `--wechat-url, --qq-url, --wechat-port and --qq-port apply to --target auth-server only, not ${target.name}`,
    );
  }
  if ((providers.wechatUrl === undefined) !== (providers.qqUrl === undefined)) {
    throw new IdmockError(
      IDMOCK_INVALID_ARGUMENT,
      'give both --wechat-url and --qq-url (the mocks the server under test calls), or neither to let idmock start them',
    );
  }
  if (providers.wechatUrl !== undefined && providers.qqUrl !== undefined) {
    return {
      ...providers,
      wechatUrl: checkUrl('WeChat URL', providers.wechatUrl),
      qqUrl: checkUrl('QQ URL', providers.qqUrl),
    };
  }
  return providers;
}

/** A state and its parameters as a key; parameter order does not matter. */
function stateKey(name: string, params: unknown): string {
  const entries = Object.entries((params ?? {}) as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return `${name}\u0000${JSON.stringify(entries)}`;
}

/** One state set-up as it happened: its state and parameters, and its error if it failed. */
interface SetupRecord {
  readonly key: string;
  readonly error: string | undefined;
}

/**
 * Gives each interaction the failures of its own set-ups. Pact sets up an interaction's states in
 * order, then sends its request, one interaction at a time, and lists the interactions in that
 * order; so the set-ups are consumed in runs of each interaction's state count. The same state
 * with the same parameters serves many interactions (the auth server's `player P0`), so a failure
 * keyed by state alone would blame them all. Undefined when the record does not line up with the
 * contract (then failures are attributed by state and parameters).
 */
function attributeSetups(
  setups: readonly SetupRecord[],
  order: readonly string[],
  interactions: readonly ContractInteraction[],
): Map<ContractInteraction, string[]> | undefined {
  const byDescription = new Map<string, ContractInteraction>();
  for (const interaction of interactions) {
    if (byDescription.has(interaction.description)) return undefined;
    byDescription.set(interaction.description, interaction);
  }
  const attributed = new Map<ContractInteraction, string[]>();
  let at = 0;
  for (const description of order) {
    const interaction = byDescription.get(description);
    if (!interaction) return undefined;
    const problems: string[] = [];
    for (const state of interaction.states) {
      const record = setups[at];
      at += 1;
      if (record?.key !== stateKey(state.name, state.params)) return undefined;
      if (record.error !== undefined) problems.push(record.error);
    }
    attributed.set(interaction, problems);
  }
  return at === setups.length ? attributed : undefined;
}

function summary(result: Omit<VerifyResult, 'report'>): string {
  const header = `[idmock] verify ${result.target} at ${result.baseUrl}`;
  if (result.errors.length > 0) {
    return `${header}: could not verify\n${result.errors.map((e) => `  ${e}`).join('\n')}\n`;
  }
  const total = result.interactions.length;
  const failed = result.failures.length;
  const head =
    failed === 0
      ? `${header}: all ${total} interactions passed (${result.contracts.join(', ')})`
      : `${header}: ${failed} of ${total} interactions failed (${result.contracts.join(', ')})`;
  return failed === 0 ? `${head}\n` : `${head}\n\n${renderFailures(result.failures)}\n`;
}

/**
 * Verifies an implementation against the contracts of a target.
 * @example
 * const result = await verifyTarget({ target: 'wechat', baseUrl: 'http://127.0.0.1:7701' });
 * process.exitCode = result.passed ? 0 : 1;
 */
export async function verifyTarget(options: VerifyOptions): Promise<VerifyResult> {
  if (!isTargetName(options.target)) {
    throw new IdmockError(
      IDMOCK_INVALID_ARGUMENT,
      `unknown target "${String(options.target)}" (choose from ${TARGET_NAMES.join(', ')})`,
    );
  }
  const target: ContractTarget = CONTRACT_TARGETS[options.target];
  const baseUrl = checkUrl('base URL', options.baseUrl);
  const stateChangeUrl =
    options.stateChangeUrl === undefined
      ? undefined
      : checkUrl('state-change URL', options.stateChangeUrl);
  const providers = checkProviders(target, options.providers);
  const harness = target.stateChangeUrlUse === 'fallback';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const print = options.print ?? ((text: string) => process.stdout.write(text));
  const files = (options.pactFiles ?? target.contracts.map(contractPath)).map((file) =>
    resolve(file),
  );
  if (files.length === 0) throw new IdmockError(IDMOCK_INVALID_ARGUMENT, 'no contract files');
  const contracts: ContractFile[] = await Promise.all(files.map(readContract));
  for (const contract of contracts) {
    if (contract.provider !== target.provider) {
      throw new IdmockError(
        IDMOCK_INVALID_ARGUMENT,
        `${contract.path} is a contract for provider "${contract.provider}", but --target ${target.name} verifies "${target.provider}"`,
      );
    }
  }
  // Pact first: when it is missing, say so before touching the implementation.
  const pact = await loadPact(options.loadPact);
  const interactions: ContractInteraction[] = contracts.flatMap((c) => [...c.interactions]);
  const stateNames = [...new Set(interactions.flatMap((i) => i.states.map((s) => s.name)))];
  const base = {
    target: options.target,
    baseUrl,
    contracts: files,
    states: harness
      ? ('harness' as const)
      : stateChangeUrl === undefined
        ? ('mock-endpoints' as const)
        : ('state-change-url' as const),
  };
  const finish = (rest: Pick<VerifyResult, 'interactions' | 'errors'>): VerifyResult => {
    const failures = rest.interactions.filter((i) => !i.passed);
    const partial = {
      ...base,
      ...rest,
      failures,
      passed: rest.errors.length === 0 && failures.length === 0,
    };
    const report = summary(partial);
    print(report);
    return { ...partial, report };
  };

  let table: StateTable;
  let close: (() => Promise<void>) | undefined;
  let missingHint: string;
  if (stateChangeUrl !== undefined && !harness) {
    table = stateChangeStates(stateChangeUrl, stateNames, timeoutMs);
    missingHint = ` (the state-change URL ${stateChangeUrl} is asked for every state)`;
  } else {
    const probe = await probeMock(baseUrl, timeoutMs);
    if (typeof probe === 'object') {
      return finish({
        interactions: [],
        errors: [`cannot reach ${baseUrl} (${probe.unreachable}); is it running?`],
      });
    }
    if (probe === 'not-mock' && target.requiresMockEndpoints !== false) {
      throw new IdmockError(
        IDMOCK_INVALID_ARGUMENT,
        `${baseUrl} has no idmock mock-only endpoints (GET /__mock/healthz failed), so provider states ` +
          'cannot be set up through it; give --state-change-url (see contracts/README.md)',
      );
    }
    let prepared: PreparedTarget;
    try {
      prepared = await target.prepare({
        baseUrl,
        timeoutMs,
        mockEndpoints: probe === 'mock',
        note: print,
        ...(options.adminToken === undefined ? {} : { adminToken: options.adminToken }),
        ...(harness && stateChangeUrl !== undefined ? { stateChangeUrl } : {}),
        ...(providers === undefined ? {} : { providers }),
      });
    } catch (error) {
      if (error instanceof IdmockError) throw error;
      return finish({
        interactions: [],
        errors: [
          `could not prepare the run: ${error instanceof Error ? error.message : String(error)}`,
        ],
      });
    }
    table = prepared.states;
    close = prepared.close?.bind(prepared);
    missingHint = harness
      ? ` (the ${target.name} target has no handler for it)`
      : ` through the /__mock/ endpoints of ${baseUrl}; give --state-change-url`;
  }

  const stateFailures = new Map<string, string[]>();
  const setups: SetupRecord[] = [];
  let raw: string;
  try {
    const verifier = new pact.Verifier({
      providerBaseUrl: baseUrl,
      pactUrls: files,
      stateHandlers: toPactStateHandlers(table, {
        stateNames,
        missingHint,
        onFailure: (state, params, error) => {
          const key = stateKey(state, params);
          stateFailures.set(key, [...(stateFailures.get(key) ?? []), error.message]);
        },
        onSetup: (state, params, error) => {
          setups.push({ key: stateKey(state, params), error: error?.message });
        },
      }),
      logLevel: options.logLevel ?? 'error',
    });
    try {
      raw = await verifier.verifyProvider();
    } catch (error) {
      raw = error instanceof Error ? error.message : String(error);
    }
  } finally {
    await close?.();
  }
  const parsed = parseVerifierResult(raw);
  if (!parsed) {
    return finish({ interactions: [], errors: [`the Pact verifier did not run: ${raw}`] });
  }
  const attributed = attributeSetups(
    setups,
    (parsed.interactionResults ?? []).map((entry) => entry.description ?? ''),
    interactions,
  );
  const stateProblems = (interaction: ContractInteraction): string[] =>
    attributed?.get(interaction) ??
    interaction.states.flatMap(
      (state) => stateFailures.get(stateKey(state.name, state.params)) ?? [],
    );
  return finish({ interactions: outcomes(parsed, interactions, stateProblems), errors: [] });
}
