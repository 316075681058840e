/**
 * Mock-only control endpoints every service serves through `dispatch`: faults, the journal, state
 * export/import/reset and scenarios. They live here rather than in each provider's route table
 * because they act on the service itself (its snapshot hooks and controls), which a provider's
 * handler context does not carry; serving them from `dispatch` gives them to every service and
 * every transport at once.
 */
import * as z from 'zod';
import type { ServiceControls } from './controls.js';
import { FaultValidationError, faultableRoutes } from './faults.js';
import { json, jsonObject, type MockRequest, type MockResponse } from './http.js';
import type { JournalQuery } from './journal.js';
import { MockApiError, parseMockBody } from './mock-api.js';
import { route, type PathParams, type Route, type Service } from './router.js';
import { ScenarioError } from './scenarios.js';
import {
  parseStateDocument,
  problemsAt,
  setClockOffset,
  STATE_FORMAT,
  STATE_VERSION,
  type StateDocument,
} from './state.js';

/** What a control handler acts on. */
export interface ControlScope {
  readonly service: Service;
  readonly controls: ServiceControls;
}

type ControlHandler = (
  req: MockRequest,
  scope: ControlScope,
  params: PathParams,
) => MockResponse | Promise<MockResponse>;

function problemsResponse(
  status: number,
  error: string,
  message: string,
  problems: readonly string[],
): MockResponse {
  return json({ error, message, problems }, { status });
}

function notSupported(service: Service, what: string): never {
  throw new MockApiError(501, 'not_supported', `the ${service.name} service has no ${what}`);
}

/** The raw JSON (or form) body of a control request, as a value for a schema. */
function bodyValue(req: MockRequest): unknown {
  if (req.body.kind === 'json') return jsonObject(req) ?? req.body.value;
  return parseMockBody(req, z.unknown());
}

const listFaults: ControlHandler = (_req, { service, controls }) =>
  json({
    service: service.name,
    faults: controls.faults.list(),
    routes: faultableRoutes(service),
    errors: Object.keys(service.faultCatalogue ?? {}),
  });

const addFault: ControlHandler = (req, { service, controls }) => {
  try {
    return json({ fault: controls.faults.add(bodyValue(req), service) }, { status: 201 });
  } catch (error) {
    if (error instanceof FaultValidationError) {
      return problemsResponse(
        400,
        'invalid_fault',
        `the fault does not fit the ${service.name} service`,
        error.problems,
      );
    }
    throw error;
  }
};

const clearFaults: ControlHandler = (_req, { controls }) =>
  json({ cleared: controls.faults.clear() });

const removeFault: ControlHandler = (_req, { controls }, params) => {
  const id = params['id'] ?? '';
  if (!controls.faults.remove(id)) throw new MockApiError(404, 'unknown_fault', `no fault "${id}"`);
  return json({ cleared: 1 });
};

const intParam = z.coerce.number().int().min(0);

const journalQuerySchema = z.strictObject({
  route: z.string().max(128).optional(),
  method: z.string().max(16).optional(),
  path: z.string().max(512).optional(),
  status: intParam.max(599).optional(),
  since: z.string().max(64).optional(),
  after: intParam.optional(),
  limit: intParam.optional(),
});

const readJournal: ControlHandler = (req, { service, controls }) => {
  const parsed = journalQuerySchema.safeParse(Object.fromEntries(req.query));
  if (!parsed.success) {
    throw new MockApiError(
      400,
      'invalid_query',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  }
  const query: JournalQuery = Object.fromEntries(
    Object.entries(parsed.data).filter(([, value]) => value !== undefined),
  );
  return json({
    service: service.name,
    limit: controls.journal.limit,
    evicted: controls.journal.evicted(),
    entries: controls.journal.query(query),
  });
};

const clearJournal: ControlHandler = (_req, { controls }) =>
  json({ cleared: controls.journal.clear() });

/** The state document of one service (`services` holds only its part). */
export function exportServiceState(service: Service, controls: ServiceControls): StateDocument {
  if (!service.snapshot) return notSupported(service, 'exportable state');
  return {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    ...(controls.clock ? { clock: { offsetMs: controls.clock.offset() } } : {}),
    services: { [service.name]: service.snapshot() },
  };
}

const exportState: ControlHandler = (_req, { service, controls }) =>
  json(exportServiceState(service, controls));

/**
 * `PUT /__mock/state`: validates the whole document and this service's part before changing
 * anything, so a bad import answers 400 with every problem and loses nothing stored. Parts for
 * other services are ignored, so one document can be sent to every service.
 */
const importState: ControlHandler = (req, { service, controls }) => {
  if (!service.restore) return notSupported(service, 'importable state');
  const parsed = parseStateDocument(bodyValue(req));
  if (!parsed.ok) {
    return problemsResponse(400, 'invalid_state', 'the state document is invalid', parsed.problems);
  }
  const part = parsed.document.services[service.name];
  if (part === undefined) {
    return problemsResponse(400, 'invalid_state', `no state for ${service.name}`, [
      `services.${service.name}: required`,
    ]);
  }
  const problems = service.restore(part);
  if (problems.length > 0) {
    const listed = problemsAt(service.name, problems);
    return problemsResponse(400, 'invalid_state', `${service.name} state is invalid`, listed);
  }
  if (parsed.document.clock && controls.clock) {
    setClockOffset(controls.clock, parsed.document.clock.offsetMs);
  }
  return json({ imported: service.name });
};

/**
 * `POST /__mock/reset`: this service's seeded state, no faults, an empty journal. The clock is the
 * process's, shared by every service, so it has its own reset (`POST /__mock/clock/reset`).
 */
const resetService: ControlHandler = (_req, { service, controls }) => {
  service.reset?.();
  controls.faults.clear();
  controls.journal.clear();
  return json({ reset: service.name, state: service.reset !== undefined });
};

const listScenarios: ControlHandler = async (_req, { service, controls }) => {
  if (!controls.scenarios) return notSupported(service, 'scenario presets');
  return json({ scenarios: await controls.scenarios.list() });
};

const applyScenario: ControlHandler = async (_req, { service, controls }, params) => {
  if (!controls.scenarios) return notSupported(service, 'scenario presets');
  try {
    return json(await controls.scenarios.apply(params['name'] ?? ''));
  } catch (error) {
    if (error instanceof ScenarioError) {
      return problemsResponse(error.status, 'scenario_failed', error.message, error.problems);
    }
    throw error;
  }
};

const control = (method: string, path: string, name: string, handler: ControlHandler) =>
  route<ControlScope>('*', method, path, name, handler);

/** The control endpoints, matched by `dispatch` before a service's own routes. */
export const CONTROL_ROUTES: readonly Route<ControlScope>[] = Object.freeze([
  control('GET', '/__mock/faults', 'mock.faults', listFaults),
  control('POST', '/__mock/faults', 'mock.faultAdd', addFault),
  control('DELETE', '/__mock/faults', 'mock.faultsClear', clearFaults),
  control('DELETE', '/__mock/faults/:id', 'mock.faultRemove', removeFault),
  control('GET', '/__mock/journal', 'mock.journal', readJournal),
  control('DELETE', '/__mock/journal', 'mock.journalClear', clearJournal),
  control('GET', '/__mock/state', 'mock.stateExport', exportState),
  control('PUT', '/__mock/state', 'mock.stateImport', importState),
  control('POST', '/__mock/reset', 'mock.reset', resetService),
  control('GET', '/__mock/scenarios', 'mock.scenarios', listScenarios),
  control('POST', '/__mock/scenarios/:name', 'mock.scenarioApply', applyScenario),
]);

/** The control routes in the shape `findRoute` matches against. */
export const CONTROL_SERVICE: Pick<Service<ControlScope>, 'routes' | 'hosts'> = {
  routes: CONTROL_ROUTES,
  hosts: {},
};
