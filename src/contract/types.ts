/**
 * The shapes the verify harness is built from. A {@link ContractTarget} says which contracts an
 * implementation is checked against and how provider states are reached on it; `verifyTarget`
 * does the rest. Adding a target means one more entry in `targets.ts`.
 */

/** Values a state set-up hands to the requests (Pact V4 provider-state injected values). */
export type InjectedValues = Readonly<Record<string, string | number | boolean>>;

/** Parameters of a provider state, as written in the contract. */
export type StateParams = Readonly<Record<string, unknown>>;

/** How one provider state is brought about (and undone) on the implementation under test. */
export interface StateHandler {
  /** Sets the state up; the answer's values are injected into the interaction's request. */
  setup(params: StateParams): Promise<InjectedValues | undefined>;
  /** Undoes what `setup` did that would leak into the next interaction (e.g. an advanced clock). */
  teardown?(params: StateParams): Promise<void>;
}

/** State handlers keyed by the state's name as written in the contract (with `{param}`s). */
export type StateTable = Readonly<Record<string, StateHandler>>;

/**
 * The WeChat and QQ mocks an auth server under test calls (the `auth-server` target). Give both
 * URLs to use mocks that are already running (idmock-compatible, e.g. `idmock start wechat qq`);
 * otherwise the harness starts its own on `host`:`wechatPort`/`qqPort`.
 */
export interface ProviderMocksOptions {
  readonly wechatUrl?: string;
  readonly qqUrl?: string;
  /** Where the harness's own mocks listen (default `127.0.0.1`). */
  readonly host?: string;
  /** Port of the harness's WeChat mock (default 7701, idmock's default). */
  readonly wechatPort?: number;
  /** Port of the harness's QQ mock (default 7702, idmock's default). */
  readonly qqPort?: number;
}

/** What a target is given to prepare a verification run. */
export interface TargetContext {
  /** Base URL of the implementation under test. */
  readonly baseUrl: string;
  /** Bearer token for the target's `/__mock/` endpoints when it is not on loopback. */
  readonly adminToken?: string;
  /** Longest one set-up call may take. */
  readonly timeoutMs: number;
  /**
   * Whether the implementation serves idmock's mock-only endpoints (`GET /__mock/healthz`
   * answered). Always true for targets that require them.
   */
  readonly mockEndpoints?: boolean;
  /** Pact's state-change URL, for targets that use it only for what they cannot reach. */
  readonly stateChangeUrl?: string;
  /** The provider mocks (the `auth-server` target). */
  readonly providers?: ProviderMocksOptions;
  /** Prints a line of progress (e.g. where the harness started its mocks). */
  readonly note?: (line: string) => void;
}

/** A target made ready for one run. */
export interface PreparedTarget {
  /** Handlers of the states this target can reach through its own (mock-only) endpoints. */
  readonly states: StateTable;
  /** Releases what `prepare` started (e.g. mocks the server under test calls). */
  close?(): Promise<void>;
}

/** An implementation kind that `idmock verify --target <name>` can check. */
export interface ContractTarget {
  /** The `--target` name. */
  readonly name: string;
  /** One line for `--help`. */
  readonly description: string;
  /** The Pact provider name the target's contracts are written for. */
  readonly provider: string;
  /** Contract files (names in `contracts/`) verified by default. */
  readonly contracts: readonly string[];
  /**
   * How a state-change URL is used. `every-state` (default): it sets up every state, and
   * `prepare` is not called. `fallback`: `prepare` is always called and given the URL, for the
   * few things the target cannot reach itself (the auth server's SMS codes).
   */
  readonly stateChangeUrlUse?: 'every-state' | 'fallback';
  /**
   * Whether, without a state-change URL, the implementation must serve idmock's mock-only
   * endpoints (default true: the WeChat and QQ targets reach every state through them).
   */
  readonly requiresMockEndpoints?: boolean;
  /**
   * Prepares a run. For `every-state` targets, against an idmock-compatible implementation whose
   * mock-only endpoints (`/__mock/...`) can bring the states about.
   */
  prepare(context: TargetContext): Promise<PreparedTarget>;
}
