/**
 * The shapes the verify harness is built from. A {@link ContractTarget} says which contracts an
 * implementation is checked against and how provider states are reached on it; `verifyTarget`
 * does the rest. Adding a target (the auth server) means one more entry in `targets.ts`.
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

/** What a target is given to prepare a verification run. */
export interface TargetContext {
  /** Base URL of the implementation under test. */
  readonly baseUrl: string;
  /** Bearer token for the target's `/__mock/` endpoints when it is not on loopback. */
  readonly adminToken?: string;
  /** Longest one set-up call may take. */
  readonly timeoutMs: number;
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
   * Prepares a run against an idmock-compatible implementation, whose mock-only endpoints
   * (`/__mock/...`) can bring the states about. Not called when a state-change URL is given.
   */
  prepare(context: TargetContext): Promise<PreparedTarget>;
}
