/**
 * The journal: every request a service received and what it answered, newest last, bounded.
 * `dispatch` records into it for every transport, so a test sees the same entries whether the
 * client went through a socket, Express or nock.
 */
import type { MockRequest, MockResponse, RequestBody } from './http.js';

/** Default number of entries kept per service. */
export const DEFAULT_JOURNAL_LIMIT = 1000;

/** Longest body kept per entry, in characters; longer ones are cut and marked truncated. */
export const JOURNAL_BODY_LIMIT = 16_384;

/** A body as the journal keeps it. */
export interface JournalBody {
  /** Text, or base64 for binary bodies; null when there was none. */
  readonly text: string | null;
  readonly encoding: 'utf8' | 'base64';
  readonly truncated: boolean;
}

/** One request and its response. */
export interface JournalEntry {
  /** Increasing per service; `after` in a query continues from one. */
  readonly seq: number;
  readonly service: string;
  /** Real time the request arrived (ISO 8601). */
  readonly time: string;
  /** Mock-clock time the request arrived (ISO 8601), when the service has a clock. */
  readonly mockTime: string | null;
  /** Route name (`wechat.exchangeCode`), or null when no route matched. */
  readonly route: string | null;
  readonly method: string;
  /** The full URL as received (the real host under nock, the listening host otherwise). */
  readonly url: string;
  readonly path: string;
  readonly request: {
    readonly headers: Readonly<Record<string, string>>;
    readonly body: JournalBody;
  };
  readonly response: {
    /** 0 when the connection was dropped. */
    readonly status: number;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: JournalBody;
  };
  /** Ids of the faults applied to this call. */
  readonly faults: readonly string[];
  readonly durationMs: number;
}

/** A journal query; every given field must match. */
export interface JournalQuery {
  /** Route name, or a prefix pattern such as `wechat.*`. */
  readonly route?: string;
  readonly method?: string;
  /** Substring of the path. */
  readonly path?: string;
  readonly status?: number;
  /** Entries that arrived at or after this real time (ISO 8601 or epoch milliseconds). */
  readonly since?: string | number;
  /** Entries with a larger `seq`. */
  readonly after?: number;
  /** At most this many entries, the newest ones. */
  readonly limit?: number;
}

/** What {@link Journal.record} needs. */
export interface JournalRecord {
  readonly service: string;
  readonly route: string | null;
  readonly request: MockRequest;
  readonly response: MockResponse;
  readonly faults: readonly string[];
  readonly startedAt: number;
  readonly mockStartedAt: number | null;
}

/** A bounded journal of one service. */
export interface Journal {
  readonly limit: number;
  record(entry: JournalRecord): JournalEntry;
  /** Matching entries, oldest first. */
  query(query?: JournalQuery): JournalEntry[];
  /** Empties the journal and answers how many entries it held. */
  clear(): number;
  /** Entries pushed out by the bound since the last clear. */
  evicted(): number;
}

function cut(text: string, encoding: 'utf8' | 'base64'): JournalBody {
  return text.length > JOURNAL_BODY_LIMIT
    ? { text: text.slice(0, JOURNAL_BODY_LIMIT), encoding, truncated: true }
    : { text, encoding, truncated: false };
}

/**
 * Header values cut like bodies: a form field can be echoed into a Location header (the `state` of
 * a consent form), and the journal's memory bound must not depend on the senders' restraint.
 */
function cutHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    out[key] = value.length > JOURNAL_BODY_LIMIT ? value.slice(0, JOURNAL_BODY_LIMIT) : value;
  }
  return out;
}

function requestBody(body: RequestBody): JournalBody {
  switch (body.kind) {
    case 'none':
      return { text: null, encoding: 'utf8', truncated: false };
    case 'form':
      return cut(body.params.toString(), 'utf8');
    case 'json':
      return cut(JSON.stringify(body.value), 'utf8');
    case 'text':
      return cut(body.text, 'utf8');
    case 'invalid':
      return cut(`(${body.reason})`, 'utf8');
  }
}

function responseBody(body: string | Uint8Array): JournalBody {
  if (typeof body === 'string') return cut(body, 'utf8');
  return cut(Buffer.from(body).toString('base64'), 'base64');
}

function sinceMs(since: string | number): number {
  if (typeof since === 'number') return since;
  return /^\d+$/.test(since) ? Number(since) : Date.parse(since);
}

function matches(entry: JournalEntry, query: JournalQuery): boolean {
  if (query.route !== undefined) {
    const pattern = query.route;
    const name = entry.route ?? '';
    const ok = pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
    if (!ok) return false;
  }
  if (query.method !== undefined && entry.method !== query.method.toUpperCase()) return false;
  if (query.path !== undefined && !entry.path.includes(query.path)) return false;
  if (query.status !== undefined && entry.response.status !== query.status) return false;
  if (query.after !== undefined && entry.seq <= query.after) return false;
  if (query.since !== undefined && Date.parse(entry.time) < sinceMs(query.since)) return false;
  return true;
}

/**
 * Creates a journal keeping at most `limit` entries (oldest dropped first).
 * @example
 * const journal = createJournal(100);
 * journal.query({ route: 'wechat.exchangeCode', status: 200 });
 */
export function createJournal(limit = DEFAULT_JOURNAL_LIMIT): Journal {
  const entries: JournalEntry[] = [];
  let seq = 0;
  let evicted = 0;
  return {
    limit,
    record(input) {
      const { request: req, response: res } = input;
      const entry: JournalEntry = {
        seq: ++seq,
        service: input.service,
        time: new Date(input.startedAt).toISOString(),
        mockTime: input.mockStartedAt === null ? null : new Date(input.mockStartedAt).toISOString(),
        route: input.route,
        method: req.method,
        url: req.url.href,
        path: req.url.pathname,
        request: { headers: cutHeaders(req.headers), body: requestBody(req.body) },
        response: {
          status: res.status,
          headers: cutHeaders(res.headers),
          body: responseBody(res.body),
        },
        faults: [...input.faults],
        durationMs: Math.max(0, Date.now() - input.startedAt),
      };
      if (limit > 0) {
        entries.push(entry);
        while (entries.length > limit) {
          entries.shift();
          evicted++;
        }
      }
      return entry;
    },
    query(query = {}) {
      const found = entries.filter((entry) => matches(entry, query));
      return query.limit === undefined
        ? found
        : found.slice(Math.max(0, found.length - query.limit));
    },
    clear() {
      const count = entries.length;
      entries.length = 0;
      evicted = 0;
      return count;
    },
    evicted: () => evicted,
  };
}
