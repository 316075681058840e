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
  /** Keeps one call (nothing when the limit is 0); the entry's text is made when first read. */
  record(entry: JournalRecord): void;
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
function cutHeaders(headers: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  let long = false;
  for (const key in headers) {
    if ((headers[key]?.length ?? 0) > JOURNAL_BODY_LIMIT) {
      long = true;
      break;
    }
  }
  if (!long) return headers;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    out[key] = value.length > JOURNAL_BODY_LIMIT ? value.slice(0, JOURNAL_BODY_LIMIT) : value;
  }
  return out;
}

const NO_BODY: JournalBody = Object.freeze({ text: null, encoding: 'utf8', truncated: false });

function requestBody(body: RequestBody): JournalBody {
  switch (body.kind) {
    case 'none':
      return NO_BODY;
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

/**
 * What the journal keeps per call: bounded copies made at record time (bodies and header values
 * cut to {@link JOURNAL_BODY_LIMIT}), with the entry's text fields (times, URL) made only when the
 * entry is first read. Recording sits on every request's path; reading is rare.
 *
 * Slots are reused: once the journal is full, a new call overwrites the oldest slot in place
 * instead of making a new object. A slot lives as long as the journal, so the per-call objects a
 * garbage collector has to deal with are only the values a call brings (its URL text, headers and
 * bodies), and no short-lived entry objects pile up in the old generation.
 */
interface StoredEntry {
  seq: number;
  service: string;
  startedAt: number;
  mockStartedAt: number | null;
  route: string | null;
  method: string;
  /** The URL's text, not the URL: an entry outlives many collections, so it keeps little. */
  href: string;
  requestHeaders: Readonly<Record<string, string>>;
  requestBody: JournalBody;
  status: number;
  responseHeaders: Readonly<Record<string, string>>;
  responseBody: JournalBody;
  faults: readonly string[];
  durationMs: number;
  /** The rendered entry, made on first read; cleared when the slot is reused. */
  entry: JournalEntry | undefined;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

function emptySlot(): StoredEntry {
  return {
    seq: 0,
    service: '',
    startedAt: 0,
    mockStartedAt: null,
    route: null,
    method: '',
    href: '',
    requestHeaders: NO_HEADERS,
    requestBody: NO_BODY,
    status: 0,
    responseHeaders: NO_HEADERS,
    responseBody: NO_BODY,
    faults: [],
    durationMs: 0,
    entry: undefined,
  };
}

function pathOf(href: string): string {
  return new URL(href).pathname;
}

function entryOf(stored: StoredEntry): JournalEntry {
  stored.entry ??= {
    seq: stored.seq,
    service: stored.service,
    time: new Date(stored.startedAt).toISOString(),
    mockTime: stored.mockStartedAt === null ? null : new Date(stored.mockStartedAt).toISOString(),
    route: stored.route,
    method: stored.method,
    url: stored.href,
    path: pathOf(stored.href),
    request: { headers: stored.requestHeaders, body: stored.requestBody },
    response: {
      status: stored.status,
      headers: stored.responseHeaders,
      body: stored.responseBody,
    },
    faults: stored.faults,
    durationMs: stored.durationMs,
  };
  return stored.entry;
}

function matches(stored: StoredEntry, query: JournalQuery): boolean {
  if (query.route !== undefined) {
    const pattern = query.route;
    const name = stored.route ?? '';
    const ok = pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
    if (!ok) return false;
  }
  if (query.method !== undefined && stored.method !== query.method.toUpperCase()) return false;
  if (query.path !== undefined && !pathOf(stored.href).includes(query.path)) return false;
  if (query.status !== undefined && stored.status !== query.status) return false;
  if (query.after !== undefined && stored.seq <= query.after) return false;
  if (query.since !== undefined && stored.startedAt < sinceMs(query.since)) return false;
  return true;
}

/**
 * Creates a journal keeping at most `limit` entries (oldest dropped first).
 * @example
 * const journal = createJournal(100);
 * journal.query({ route: 'wechat.exchangeCode', status: 200 });
 */
export function createJournal(limit = DEFAULT_JOURNAL_LIMIT): Journal {
  /** A ring: `slots[(first + i) % limit]` is the i-th oldest of `count` entries. */
  const slots: StoredEntry[] = [];
  let first = 0;
  let count = 0;
  let seq = 0;
  let evicted = 0;
  const inOrder = (): StoredEntry[] => {
    const out: StoredEntry[] = [];
    for (let i = 0; i < count; i++) {
      const slot = slots[(first + i) % limit];
      if (slot) out.push(slot);
    }
    return out;
  };
  return {
    limit,
    record(input) {
      if (limit <= 0) return;
      const { request: req, response: res } = input;
      let slot: StoredEntry;
      if (count < limit) {
        // The ring is not full yet: slot `count` after the oldest is free (or held a cleared entry).
        const at = (first + count) % limit;
        slot = slots[at] ??= emptySlot();
        count++;
      } else {
        slot = slots[first] ??= emptySlot();
        first = (first + 1) % limit;
        evicted++;
      }
      slot.seq = ++seq;
      slot.service = input.service;
      slot.startedAt = input.startedAt;
      slot.mockStartedAt = input.mockStartedAt;
      slot.route = input.route;
      slot.method = req.method;
      slot.href = req.url.href;
      slot.requestHeaders = cutHeaders(req.headers);
      slot.requestBody = requestBody(req.body);
      slot.status = res.status;
      slot.responseHeaders = cutHeaders(res.headers);
      slot.responseBody = responseBody(res.body);
      slot.faults = input.faults.length === 0 ? input.faults : [...input.faults];
      slot.durationMs = Math.max(0, Date.now() - input.startedAt);
      slot.entry = undefined;
    },
    query(query = {}) {
      const found = inOrder().filter((stored) => matches(stored, query));
      const wanted =
        query.limit === undefined ? found : found.slice(Math.max(0, found.length - query.limit));
      return wanted.map(entryOf);
    },
    clear() {
      const cleared = count;
      // The slots go too, so a cleared journal holds no request's data.
      slots.length = 0;
      first = 0;
      count = 0;
      evicted = 0;
      return cleared;
    },
    evicted: () => evicted,
  };
}
