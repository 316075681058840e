/**
 * Helpers shared by every service's mock-only endpoints under `/__mock/`: a JSON error type,
 * body validation with every problem listed, and the routes every service has (health, clock).
 */
import * as z from 'zod';
import { newestMatching } from './bounded.js';
import type { Clock } from './clock.js';
import { parseDuration } from './duration.js';
import { json, jsonObject, type MockRequest, type MockResponse } from './http.js';
import { route, type Route } from './router.js';
import { formatIssues } from './validation.js';

/** An error of a mock-only endpoint, rendered as `{"error","message"}` JSON. */
export class MockApiError extends Error {
  readonly status: number;
  readonly error: string;

  constructor(status: number, error: string, message: string) {
    super(message);
    this.name = 'MockApiError';
    this.status = status;
    this.error = error;
  }
}

/** Renders a {@link MockApiError}. */
export function renderMockApiError(error: MockApiError): MockResponse {
  return json({ error: error.error, message: error.message }, { status: error.status });
}

/** Parses a mock-only endpoint's JSON body with a schema, or throws a 400 listing every problem. */
export function parseMockBody<Schema extends z.ZodType>(
  req: MockRequest,
  schema: Schema,
): z.output<Schema> {
  if (req.body.kind === 'invalid') throw new MockApiError(400, 'invalid_body', req.body.reason);
  const value: unknown =
    req.body.kind === 'none'
      ? {}
      : req.body.kind === 'form'
        ? Object.fromEntries(req.body.params)
        : (jsonObject(req) ?? (req.body.kind === 'json' ? req.body.value : undefined));
  if (value === undefined) {
    throw new MockApiError(400, 'invalid_body', 'body must be a JSON object');
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new MockApiError(400, 'invalid_body', formatIssues(result.error).join('; '));
  }
  return result.data;
}

/** Context every service shares for the common mock-only routes. */
export interface CommonMockContext {
  readonly clock: Clock;
}

/** The latest mock time the clock may reach: the last instant a `Date` can print (9999-12-31). */
const LATEST_MOCK_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Parses a duration from a clock-advance body (`{"by":"2h"}` or `{"seconds":60}`). A duration that
 * would carry the clock past {@link LATEST_MOCK_TIME} is refused: beyond it every date renders as
 * "Invalid time value" and the clock could only be read again after a reset.
 */
function advanceAmount(req: MockRequest, clock: Clock): number {
  const body = jsonObject(req) ?? {};
  const by = body['by'] ?? req.query.get('by') ?? body['seconds'];
  if (typeof by !== 'string' && typeof by !== 'number') {
    throw new MockApiError(
      400,
      'invalid_body',
      'give "by" as a duration such as "90s", "10m" or "2h"',
    );
  }
  const ms = parseDuration(by);
  if (ms === undefined) {
    throw new MockApiError(
      400,
      'invalid_body',
      `"${String(by)}" is not a duration (try "90s", "10m", "2h")`,
    );
  }
  if (!(clock.now() + ms <= LATEST_MOCK_TIME)) {
    throw new MockApiError(
      400,
      'invalid_body',
      `"${String(by)}" would move the clock past the year 9999`,
    );
  }
  return ms;
}

function clockView(clock: Clock): Record<string, unknown> {
  const now = clock.now();
  return { now: new Date(now).toISOString(), epochMs: now, offsetMs: clock.offset() };
}

/** Health and clock routes served by every service. */
export function commonMockRoutes<Ctx extends CommonMockContext>(): Route<Ctx>[] {
  return [
    route<Ctx>('*', 'GET', '/__mock/healthz', 'mock.healthz', () => json({ status: 'ok' })),
    route<Ctx>('*', 'GET', '/__mock/clock', 'mock.clock', (_req, ctx) =>
      json(clockView(ctx.clock)),
    ),
    route<Ctx>('*', 'POST', '/__mock/clock/advance', 'mock.clockAdvance', (req, ctx) => {
      ctx.clock.advance(advanceAmount(req, ctx.clock));
      return json(clockView(ctx.clock));
    }),
    route<Ctx>('*', 'POST', '/__mock/clock/reset', 'mock.clockReset', (_req, ctx) => {
      ctx.clock.reset();
      return json(clockView(ctx.clock));
    }),
  ];
}

const grantsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** What `GET /__mock/grants` lists of one kind: how many are live, and the newest of them. */
export interface GrantList {
  readonly total: number;
  readonly items: Record<string, unknown>[];
}

/**
 * The shared shape of every provider's `GET /__mock/grants[?limit=100]`: `limit` from the query,
 * and a `list` that keeps the newest live records first, each with its remaining lifetime on the
 * mock clock after the provider's own fields.
 */
export function grantLister(
  req: MockRequest,
  now: number,
): {
  readonly header: { now: string; epochMs: number; limit: number };
  list<T extends { readonly expiresAt: number }>(
    records: Iterable<T>,
    live: (record: T) => boolean,
    view: (record: T) => Record<string, unknown>,
  ): GrantList;
} {
  const parsed = grantsQuery.safeParse(Object.fromEntries(req.query));
  if (!parsed.success) {
    throw new MockApiError(400, 'invalid_query', formatIssues(parsed.error).join('; '));
  }
  const { limit } = parsed.data;
  return {
    header: { now: new Date(now).toISOString(), epochMs: now, limit },
    list(records, live, view) {
      const { total, items } = newestMatching(records, live, limit);
      return {
        total,
        items: items.map((record) => ({
          ...view(record),
          expiresAt: new Date(record.expiresAt).toISOString(),
          expiresInSeconds: Math.ceil((record.expiresAt - now) / 1000),
        })),
      };
    },
  };
}
