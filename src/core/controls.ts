/**
 * The controls `dispatch` applies to every service, whatever the transport: the admin guard of
 * mock-only endpoints, faults, the state commit that makes answers durable, and the journal.
 * Controls belong to one service object; the runtime attaches them with its options, and any
 * other service gets defaults on first use.
 */
import type { Clock } from './clock.js';
import { CONTROL_SERVICE, type ControlScope } from './control-routes.js';
import { isMockOnlyPath, playFaults, createFaultStore, type FaultStore } from './faults.js';
import { json, type MockRequest, type MockResponse } from './http.js';
import { safeEqual } from './ids.js';
import {
  createJournal,
  DEFAULT_JOURNAL_LIMIT,
  type Journal,
  type JournalRecord,
} from './journal.js';
import { MockApiError, renderMockApiError } from './mock-api.js';
import { ProviderError } from './errors.js';
import { findRoute, runRouteNow, type Route, type Service } from './router.js';
import type { ScenarioHost } from './scenarios.js';

/** Options of {@link attachControls}. */
export interface ControlOptions {
  /** Journal entries kept (default 1000; 0 keeps none). */
  readonly journalLimit?: number;
  /** Token required on mock-only endpoints from non-loopback clients (null: refuse them). */
  readonly adminToken?: string | null;
  /** The shared clock: journal mock times, state export and reset use it. */
  readonly clock?: Clock;
  /**
   * Makes state changes durable. Dispatch awaits it before a response leaves, so a client never
   * sees an answer whose effects a crash could lose.
   */
  readonly commit?: () => Promise<void>;
  /** Scenario presets of this process (`/__mock/scenarios`). */
  readonly scenarios?: ScenarioHost;
}

/** The controls of one service. */
export interface ServiceControls {
  readonly faults: FaultStore;
  readonly journal: Journal;
  readonly clock: Clock | undefined;
  readonly adminToken: string | null;
  readonly commit: () => Promise<void>;
  readonly scenarios: ScenarioHost | undefined;
}

const registry = new WeakMap<object, ServiceControls>();

const noCommit = (): Promise<void> => Promise.resolve();

const NO_FAULTS: readonly string[] = Object.freeze([]);

/**
 * Gives a service fresh controls with these options (replacing any it had). Call it before the
 * service answers its first request.
 * @example
 * attachControls(wechat, { clock, journalLimit: 200, commit: () => stateFile.persist() });
 */
export function attachControls<Ctx>(
  service: Service<Ctx>,
  options: ControlOptions = {},
): ServiceControls {
  const controls: ServiceControls = {
    faults: createFaultStore(),
    journal: createJournal(options.journalLimit ?? DEFAULT_JOURNAL_LIMIT),
    clock: options.clock,
    adminToken: options.adminToken ?? null,
    commit: options.commit ?? noCommit,
    scenarios: options.scenarios,
  };
  registry.set(service, controls);
  return controls;
}

/** The controls of a service, created with defaults on first use. */
export function controlsOf<Ctx>(service: Service<Ctx>): ServiceControls {
  return registry.get(service) ?? attachControls(service);
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function presentedToken(req: MockRequest): string | undefined {
  const auth = req.headers['authorization'];
  if (auth?.startsWith('Bearer ') === true) return auth.slice('Bearer '.length).trim();
  return req.headers['x-idmock-admin-token'];
}

/**
 * Mock-only endpoints answer loopback and in-process (nock) clients; others must present the
 * configured admin token. The health check stays open for container probes.
 */
function guard(
  req: MockRequest,
  controls: ServiceControls,
  path: string,
): MockResponse | undefined {
  if (path === '/__mock/healthz') return undefined;
  if (req.remoteAddress === undefined || isLoopback(req.remoteAddress)) return undefined;
  const token = presentedToken(req);
  if (
    controls.adminToken !== null &&
    token !== undefined &&
    safeEqual(token, controls.adminToken)
  ) {
    return undefined;
  }
  return renderMockApiError(
    new MockApiError(
      403,
      'forbidden',
      controls.adminToken === null
        ? 'mock-only endpoints answer loopback clients only; configure an admin token to open them'
        : 'mock-only endpoints need the admin token (Authorization: Bearer <token>)',
    ),
  );
}

async function runControl(
  found: { route: Route<ControlScope>; params: Readonly<Record<string, string>> },
  scope: ControlScope,
  req: MockRequest,
): Promise<MockResponse> {
  try {
    return await found.route.handler(req, scope, found.params);
  } catch (error) {
    if (error instanceof MockApiError) return renderMockApiError(error);
    if (error instanceof ProviderError) return scope.service.renderError(error, req);
    scope.service.logError?.(error, req);
    return json({ error: 'internal', message: 'internal error' }, { status: 500 });
  }
}

/** Routes whose calls are not journalled: reading or clearing the journal must not change it. */
// The dashboard polls these every second; journalling them would push real traffic out.
const UNJOURNALLED = new Set([
  'mock.journal',
  'mock.journalClear',
  'mock.dashboard',
  'mock.dashboardJson',
  'mock.grants',
  'mock.qrList',
]);

/** A response now, or once a handler, fault or commit has finished. */
type Answer = MockResponse | Promise<MockResponse>;

/**
 * The controlled pipeline behind `dispatch`: the service's own routes (admin guard on mock-only
 * paths, faults on real ones), else the control endpoints (faults, journal, state, scenarios);
 * then the commit, then the journal entry. It answers synchronously when the handler does and
 * there is nothing to wait for (no delay fault, no state file), so a plain read costs no ticks.
 */
export function dispatchWithControls<Ctx>(service: Service<Ctx>, req: MockRequest): Answer {
  const plain = service as unknown as Service;
  const controls = controlsOf(plain);
  const startedAt = Date.now();
  const mockStartedAt = controls.clock?.now() ?? null;
  let routeName: string | null = null;
  let applied: readonly string[] = NO_FAULTS;
  let answer: Answer;
  // A service's own route wins over a control endpoint at the same path (an override).
  const lookup = findRoute(plain, req);
  const control = lookup.kind === 'found' ? undefined : findRoute(CONTROL_SERVICE, req);
  if (lookup.kind === 'found') {
    routeName = lookup.route.name;
    if (isMockOnlyPath(lookup.route.path)) {
      answer = guard(req, controls, lookup.route.path) ?? runRouteNow(plain, lookup, req);
    } else {
      const faults = controls.faults.take(lookup.route.name, req, plain);
      if (faults.length === 0) {
        answer = runRouteNow(plain, lookup, req);
      } else {
        applied = faults.map((fault) => fault.id);
        answer = playFaults(faults, req, plain).then(
          (faulted) => faulted ?? runRouteNow(plain, lookup, req),
        );
      }
    }
  } else if (control?.kind === 'found') {
    routeName = control.route.name;
    answer =
      guard(req, controls, control.route.path) ??
      runControl(control, { service: plain, controls }, req);
  } else {
    const kind =
      control?.kind === 'method-not-allowed' || lookup.kind === 'method-not-allowed'
        ? 'method-not-allowed'
        : 'not-found';
    answer = plain.renderRouterError(kind, req);
  }
  const entry: Omit<JournalRecord, 'response'> = {
    service: plain.name,
    route: routeName,
    request: req,
    faults: applied,
    startedAt,
    mockStartedAt,
  };
  // Without a state file there is nothing to make durable, and no reason to wait a tick.
  if (controls.commit === noCommit) {
    return answer instanceof Promise
      ? answer.then((response) => journalled(controls, entry, response))
      : journalled(controls, entry, answer);
  }
  return (async () => {
    let response = await answer;
    try {
      await controls.commit();
    } catch (error) {
      plain.logError?.(error, req);
      response = plain.renderRouterError('internal', req);
    }
    return journalled(controls, entry, response);
  })();
}

/** Records a call in the journal (unless its route is one of the unjournalled) and passes it on. */
function journalled(
  controls: ServiceControls,
  entry: Omit<JournalRecord, 'response'>,
  response: MockResponse,
): MockResponse {
  if (entry.route === null || !UNJOURNALLED.has(entry.route)) {
    controls.journal.record({
      service: entry.service,
      route: entry.route,
      request: entry.request,
      response,
      faults: entry.faults,
      startedAt: entry.startedAt,
      mockStartedAt: entry.mockStartedAt,
    });
  }
  return response;
}
