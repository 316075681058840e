/**
 * Scenario presets: JSON files in `mock-providers/scenarios/` that list steps (faults, clock
 * advances, auto-approve, and any mock-only request) to put the world into a named situation.
 * Steps reach services only through their controls and mock-only endpoints, so scenarios hold no
 * provider logic and work the same under every transport.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import type { Clock } from './clock.js';
import { controlsOf } from './controls.js';
import { parseDuration } from './duration.js';
import { checkFault, faultFields } from './faults.js';
import { createRequest } from './http.js';
import { dispatch, type Service } from './router.js';
import { formatIssues } from './validation.js';

const serviceName = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a service name');
const note = z.string().optional();

/** Schema of one scenario step. */
export const scenarioStepSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('fault'), service: serviceName, note, ...faultFields }),
  z.strictObject({
    type: z.literal('clock'),
    note,
    /** A duration such as `"2h"` or `"7201s"`, or seconds. */
    advance: z.union([z.string().min(1), z.number().min(0)]),
  }),
  z.strictObject({
    type: z.literal('autoApprove'),
    service: serviceName,
    note,
    /** Persona id or openid that answers authorize URLs at once; null turns it off. */
    user: z.string().min(1).nullable(),
  }),
  z.strictObject({
    type: z.literal('request'),
    service: serviceName,
    note,
    method: z.enum(['GET', 'POST', 'PUT', 'DELETE']).default('POST'),
    path: z.string().regex(/^\/__mock\/[A-Za-z0-9/_.~%-]*$/, 'must be a /__mock/ path'),
    body: z.unknown().optional(),
  }),
]);

/** Schema of `mock-providers/scenarios/<name>.json`. */
export const scenarioFileSchema = z.strictObject({
  $comment: z.string().optional(),
  description: z.string().min(1),
  steps: z.array(scenarioStepSchema).min(1),
});

/** One step of a scenario. */
export type ScenarioStep = z.output<typeof scenarioStepSchema>;
/** A scenario file. */
export type ScenarioFile = z.output<typeof scenarioFileSchema>;

/** A scenario as `GET /__mock/scenarios` lists it. */
export interface ScenarioSummary {
  readonly name: string;
  readonly description: string;
  /** Services its steps concern. */
  readonly services: readonly string[];
  /** Problems of an invalid file (then it cannot be applied). */
  readonly problems?: readonly string[];
}

/** What applying a scenario did. */
export interface ScenarioResult {
  readonly name: string;
  /** One line per applied step. */
  readonly applied: readonly string[];
  /** Steps for services that are not running in this process. */
  readonly skipped: readonly string[];
}

/** Why a scenario could not be applied (`status` is the HTTP status to answer). */
export class ScenarioError extends Error {
  readonly status: 400 | 404 | 409;
  readonly problems: readonly string[];

  constructor(status: 400 | 404 | 409, message: string, problems: readonly string[] = []) {
    super(message);
    this.name = 'ScenarioError';
    this.status = status;
    this.problems = problems;
  }
}

/** Lists and applies scenarios to the services of one process. */
export interface ScenarioHost {
  list(): Promise<ScenarioSummary[]>;
  apply(name: string): Promise<ScenarioResult>;
}

/** Options of {@link createScenarioHost}. */
export interface ScenarioHostOptions {
  /** Directory holding `<name>.json` files. */
  readonly dir: string;
  /** The shared clock. */
  readonly clock: Clock;
  /** The services running in this process, by name (read at apply time). */
  readonly services: () => Readonly<Record<string, Service | undefined>>;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

function servicesOf(file: ScenarioFile): string[] {
  const names = new Set<string>();
  for (const step of file.steps) if (step.type !== 'clock') names.add(step.service);
  return [...names];
}

/** The fault of a fault step, as `POST /__mock/faults` takes it. */
function faultOf(step: Extract<ScenarioStep, { type: 'fault' }>): Record<string, unknown> {
  const fault: Record<string, unknown> = { ...step };
  delete fault['type'];
  delete fault['service'];
  delete fault['note'];
  return fault;
}

function describe(step: ScenarioStep): string {
  switch (step.type) {
    case 'fault': {
      const what =
        step.error ??
        (step.status === undefined
          ? step.delay === undefined
            ? 'drop'
            : `delay ${String(step.delay)}`
          : `status ${step.status}`);
      return `fault ${step.route} -> ${what} (${step.times === 'always' ? 'always' : `${step.times}x`})`;
    }
    case 'clock':
      return `clock advance ${String(step.advance)}`;
    case 'autoApprove':
      return `auto-approve ${step.service} as ${step.user ?? '(off)'}`;
    case 'request':
      return `${step.service} ${step.method} ${step.path}`;
  }
}

/** Reads and validates one scenario file. */
export async function loadScenario(dir: string, name: string): Promise<ScenarioFile> {
  if (!NAME.test(name)) {
    throw new ScenarioError(
      404,
      `"${name}" is not a scenario name (lower-case letters, digits, -)`,
    );
  }
  const path = join(dir, `${name}.json`);
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch {
    const known = await scenarioNames(dir);
    throw new ScenarioError(
      404,
      `no scenario "${name}" (known: ${known.length === 0 ? 'none' : known.join(', ')})`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new ScenarioError(400, `scenario ${name} is not valid JSON`, [`${path}: not valid JSON`]);
  }
  const result = scenarioFileSchema.safeParse(data);
  if (!result.success) {
    const problems = formatIssues(result.error);
    throw new ScenarioError(400, `scenario ${name} is invalid: ${problems.join('; ')}`, problems);
  }
  return result.data;
}

/** Names of the scenario files in a directory, sorted. */
export async function scenarioNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir))
      .filter((file) => file.endsWith('.json'))
      .map((file) => file.slice(0, -'.json'.length))
      .filter((name) => NAME.test(name))
      .sort();
  } catch {
    return [];
  }
}

async function mockRequest(
  service: Service,
  method: string,
  path: string,
  body: unknown,
): Promise<{ status: number; text: string }> {
  const req = createRequest(`http://idmock.internal${path}`, {
    method,
    ...(body === undefined
      ? {}
      : {
          headers: { 'content-type': 'application/json' },
          body: { kind: 'json' as const, value: body },
        }),
  });
  const response = await dispatch(service, req);
  const text =
    typeof response.body === 'string' ? response.body : Buffer.from(response.body).toString();
  return { status: response.status, text };
}

/**
 * Creates the scenario host of one process. Applying validates every step first (faults against
 * their service's routes and catalogue), then runs the steps in order; steps for services that do
 * not run here are skipped and reported. A failing request step stops the run, leaving earlier
 * steps applied.
 * @example
 * const host = createScenarioHost({ dir, clock, services: () => ({ wechat }) });
 * await host.apply('wechat-rate-limit');
 */
export function createScenarioHost(options: ScenarioHostOptions): ScenarioHost {
  return {
    async list() {
      const summaries: ScenarioSummary[] = [];
      for (const name of await scenarioNames(options.dir)) {
        try {
          const file = await loadScenario(options.dir, name);
          summaries.push({ name, description: file.description, services: servicesOf(file) });
        } catch (error) {
          const problems = error instanceof ScenarioError ? error.problems : [String(error)];
          summaries.push({ name, description: '', services: [], problems });
        }
      }
      return summaries;
    },
    async apply(name) {
      const file = await loadScenario(options.dir, name);
      const services = options.services();
      const problems: string[] = [];
      const runnable: { step: ScenarioStep; service: Service | undefined }[] = [];
      const skipped: string[] = [];
      file.steps.forEach((step, index) => {
        const service = step.type === 'clock' ? undefined : services[step.service];
        if (step.type !== 'clock' && !service) {
          skipped.push(`${describe(step)}: the ${step.service} service is not running here`);
          return;
        }
        if (step.type === 'fault' && service) {
          const checked = checkFault(faultOf(step), service);
          if (!checked.ok) problems.push(...checked.problems.map((p) => `steps.${index}: ${p}`));
        }
        if (step.type === 'clock') {
          const ms = parseDuration(step.advance);
          if (ms === undefined)
            problems.push(`steps.${index}.advance: "${String(step.advance)}" is not a duration`);
        }
        runnable.push({ step, service });
      });
      if (problems.length > 0) {
        throw new ScenarioError(
          400,
          `scenario ${name} does not fit: ${problems.join('; ')}`,
          problems,
        );
      }
      if (runnable.every(({ step }) => step.type === 'clock') && skipped.length > 0) {
        throw new ScenarioError(
          409,
          `scenario ${name} concerns ${servicesOf(file).join(', ')}, none of which runs here`,
          skipped,
        );
      }
      const applied: string[] = [];
      for (const { step, service } of runnable) {
        switch (step.type) {
          case 'fault': {
            if (!service) break;
            controlsOf(service).faults.add(faultOf(step), service);
            break;
          }
          case 'clock':
            options.clock.advance(parseDuration(step.advance) ?? 0);
            break;
          case 'autoApprove':
          case 'request': {
            if (!service) break;
            const [method, path, body] =
              step.type === 'request'
                ? [step.method, step.path, step.body]
                : ['POST', '/__mock/auto-approve', { user: step.user }];
            const answer = await mockRequest(service, method, path, body);
            if (answer.status < 200 || answer.status > 299) {
              throw new ScenarioError(
                409,
                `scenario ${name}: ${describe(step)} answered ${answer.status}: ${answer.text}`,
                [...applied.map((line) => `applied: ${line}`)],
              );
            }
            break;
          }
        }
        applied.push(describe(step));
      }
      return { name, applied, skipped };
    },
  };
}
