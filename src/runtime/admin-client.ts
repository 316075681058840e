/**
 * The typed admin client: everything under `/__mock/` (clock, faults, journal, state, scenarios,
 * the world, headless consent, QR sessions) as methods. It speaks to services through a transport:
 * HTTP for running servers (`startIdmock`, the CLI) or an in-process `dispatch` for nock mode, so
 * both go through the same endpoints.
 */
import { IDMOCK_INVALID_ARGUMENT, IdmockError } from '../core/errors.js';
import type { Fault, FaultInput } from '../core/faults.js';
import { createRequest } from '../core/http.js';
import type { JournalEntry, JournalQuery } from '../core/journal.js';
import { dispatch, type Service } from '../core/router.js';
import type { ScenarioResult, ScenarioSummary } from '../core/scenarios.js';
import { STATE_FORMAT, STATE_VERSION, type StateDocument } from '../core/state.js';
import type { ServiceName } from './config.js';

/** A failed admin request: the service answered an error status, or could not be reached. */
export class IdmockAdminError extends IdmockError {
  /** HTTP status answered, or null when the service could not be reached. */
  readonly status: number | null;
  readonly service: string;
  /** The parsed answer (`{error, message, problems?}` for mock-only endpoints). */
  readonly body: unknown;

  constructor(service: string, status: number | null, message: string, body: unknown) {
    super(IDMOCK_INVALID_ARGUMENT, message);
    this.name = 'IdmockAdminError';
    this.service = service;
    this.status = status;
    this.body = body;
  }
}

/** An answer of a mock-only endpoint. */
export interface AdminAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** How the admin client reaches services. */
export interface AdminTransport {
  /** Services reachable through this transport, in preference order. */
  readonly services: readonly ServiceName[];
  send(service: ServiceName, method: string, path: string, body?: unknown): Promise<AdminAnswer>;
}

function parseText(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Reaches running services over HTTP. Sends the admin token when given (needed off loopback).
 * @example
 * const admin = createAdminClient(httpAdminTransport({ wechat: 'http://127.0.0.1:7701' }));
 */
export function httpAdminTransport(
  urls: Readonly<Partial<Record<ServiceName, string>>>,
  options: { adminToken?: string | null; timeoutMs?: number } = {},
): AdminTransport {
  const services = (['wechat', 'qq', 'auth'] as const).filter((name) => urls[name] !== undefined);
  return {
    services,
    async send(service, method, path, body) {
      const base = urls[service];
      if (base === undefined) {
        throw new IdmockAdminError(service, null, `no URL for the ${service} service`, null);
      }
      const headers: Record<string, string> = {};
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (options.adminToken) headers['authorization'] = `Bearer ${options.adminToken}`;
      let response: Response;
      try {
        response = await fetch(new URL(path, base), {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        });
      } catch (cause) {
        const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
        const reason = inner instanceof Error ? inner.message : String(inner);
        throw new IdmockAdminError(
          service,
          null,
          `cannot reach the ${service} service at ${base} (${reason}); is idmock running?`,
          null,
        );
      }
      return { status: response.status, body: parseText(await response.text()) };
    },
  };
}

/** Reaches services in this process through `dispatch`, with no socket (nock mode). */
export function inProcessAdminTransport(
  services: Readonly<Partial<Record<ServiceName, Service>>>,
): AdminTransport {
  const names = (['wechat', 'qq', 'auth'] as const).filter((name) => services[name] !== undefined);
  return {
    services: names,
    async send(name, method, path, body) {
      const service = services[name];
      if (!service) {
        throw new IdmockAdminError(name, null, `the ${name} service is not running`, null);
      }
      const req = createRequest(`http://idmock.internal${path}`, {
        method,
        ...(body === undefined
          ? {}
          : {
              headers: { 'content-type': 'application/json' },
              body: { kind: 'json' as const, value: JSON.parse(JSON.stringify(body)) as unknown },
            }),
      });
      const response = await dispatch(service, req);
      const text =
        typeof response.body === 'string' ? response.body : Buffer.from(response.body).toString();
      return { status: response.status, body: parseText(text) };
    },
  };
}

/** The shared clock as the API shows it. */
export interface ClockView {
  readonly now: string;
  readonly epochMs: number;
  readonly offsetMs: number;
}

/** A fault with the service it belongs to. */
export type ServiceFault = Fault & { readonly service: ServiceName };

/** A fault to add; `service` defaults to the route's prefix (`wechat.` → wechat). */
export type AdminFaultInput = FaultInput & { readonly service?: ServiceName };

/** Answer of headless consent (`POST /__mock/authorize`). */
export interface HeadlessConsent {
  readonly code: string;
  /** The callback URL with code and state, as the browser would land on it. */
  readonly location: string;
  readonly openid: string;
}

/** A WeChat persona with the openid each app sees and its unionids. */
export interface WechatUserView {
  readonly id: string;
  readonly nickname: string;
  readonly headimgurl: string;
  readonly openids: Readonly<Record<string, string>>;
  readonly unionids: Readonly<Record<string, string>>;
}

/** A website QR login session as QA scripts see it. */
export interface WechatQrSessionView {
  readonly uuid: string;
  readonly appid: string;
  readonly status: 'waiting' | 'scanned' | 'cancelled' | 'confirmed' | 'delivered' | 'expired';
  readonly personaId: string | null;
  readonly redirectUri: string;
  readonly state: string;
  readonly expiresInSeconds: number;
}

/** Headless consent input for WeChat. */
export interface WechatAuthorizeInput {
  readonly appid: string;
  readonly user: string;
  readonly redirect_uri?: string;
  readonly scope?: string;
  readonly state?: string;
}

/** Headless consent input for QQ. */
export interface QqAuthorizeInput {
  readonly client_id: string;
  readonly user: string;
  readonly redirect_uri?: string;
  readonly scope?: string;
  readonly state?: string;
}

/** Mock-only endpoints shared by the providers. */
export interface ProviderAdmin<AuthorizeInput> {
  /** `GET /__mock/apps`. */
  apps(): Promise<unknown>;
  /** `GET /__mock/users`: personas with their per-app ids. */
  users(): Promise<unknown[]>;
  /** Headless consent: a real, single-use code for the persona. */
  authorize(input: AuthorizeInput): Promise<HeadlessConsent>;
  /** Answers the real authorize URLs at once as this persona (null: interactive again). */
  autoApprove(user: string | null): Promise<void>;
}

/** WeChat's admin surface, with QR sessions so QA can script the phone. */
export interface WechatAdmin extends ProviderAdmin<WechatAuthorizeInput> {
  users(): Promise<WechatUserView[]>;
  readonly qr: {
    list(): Promise<WechatQrSessionView[]>;
    get(uuid: string): Promise<WechatQrSessionView>;
    /** Scans as a persona (or anonymously), like opening the QR link on a phone. */
    scan(uuid: string, user?: string): Promise<WechatQrSessionView>;
    /** Confirms as a persona (default: the one who scanned). */
    confirm(uuid: string, user?: string): Promise<WechatQrSessionView>;
    cancel(uuid: string): Promise<WechatQrSessionView>;
    expire(uuid: string): Promise<WechatQrSessionView>;
  };
}

/** The typed admin client of a running idmock. */
export interface IdmockAdmin {
  /** Services this client reaches. */
  readonly services: readonly ServiceName[];
  /** The shared clock (every service in a process shares it). */
  readonly clock: {
    get(): Promise<ClockView>;
    /** Moves time forward by a duration such as `"2h"` or `"90s"`, or a number of seconds. */
    advance(by: string | number): Promise<ClockView>;
    /** Back to real time. */
    reset(): Promise<ClockView>;
  };
  readonly faults: {
    add(fault: AdminFaultInput): Promise<ServiceFault>;
    /** Faults of one service, or of every service. */
    list(service?: ServiceName): Promise<ServiceFault[]>;
    remove(service: ServiceName, id: string): Promise<void>;
    /** Clears one service's faults, or every service's; answers how many were removed. */
    clear(service?: ServiceName): Promise<number>;
  };
  readonly journal: {
    /** Entries of one service, oldest first. */
    query(service: ServiceName, query?: JournalQuery): Promise<JournalEntry[]>;
    clear(service?: ServiceName): Promise<number>;
  };
  readonly state: {
    /** One document holding every reachable service's state and the clock offset. */
    export(): Promise<StateDocument>;
    /**
     * Imports a document into every reachable service it has a part for. Each service validates
     * its part before changing anything; the first invalid part stops the import.
     */
    import(document: StateDocument): Promise<void>;
    /** Seeded state, no faults, empty journals, real time, on every reachable service. */
    reset(): Promise<void>;
  };
  readonly scenarios: {
    list(): Promise<ScenarioSummary[]>;
    apply(name: string): Promise<ScenarioResult>;
  };
  readonly wechat: WechatAdmin;
  readonly qq: ProviderAdmin<QqAuthorizeInput>;
  /** Any mock-only endpoint, for what has no method here. */
  request(service: ServiceName, method: string, path: string, body?: unknown): Promise<unknown>;
}

function messageOf(body: unknown): string {
  if (typeof body === 'object' && body !== null) {
    const record = body as Record<string, unknown>;
    const problems = Array.isArray(record['problems']) ? record['problems'].map(String) : [];
    const message = typeof record['message'] === 'string' ? record['message'] : undefined;
    if (problems.length > 0) return `${message ?? 'invalid'}:\n  ${problems.join('\n  ')}`;
    if (message !== undefined) return message;
    return JSON.stringify(body);
  }
  return String(body);
}

const SERVICE_PREFIXES: readonly ServiceName[] = ['wechat', 'qq', 'auth'];

/**
 * Creates the admin client over a transport.
 * @example
 * const admin = createAdminClient(httpAdminTransport(idmock.urls));
 * await admin.faults.add({ route: 'wechat.exchangeCode', error: 'minuteQuota' });
 * await admin.clock.advance('2h');
 */
export function createAdminClient(transport: AdminTransport): IdmockAdmin {
  const call = async <T>(
    service: ServiceName,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> => {
    const answer = await transport.send(service, method, path, body);
    if (answer.status < 200 || answer.status > 299) {
      throw new IdmockAdminError(
        service,
        answer.status,
        `${service} ${method} ${path} answered ${answer.status}: ${messageOf(answer.body)}`,
        answer.body,
      );
    }
    return answer.body as T;
  };
  const first = (): ServiceName => {
    const name = transport.services[0];
    if (name === undefined) {
      throw new IdmockError(IDMOCK_INVALID_ARGUMENT, 'no idmock service to talk to');
    }
    return name;
  };
  const each = (service?: ServiceName): readonly ServiceName[] =>
    service === undefined ? transport.services : [service];
  const serviceOfRoute = (route: string): ServiceName => {
    const prefix = route.split('.')[0];
    const found = SERVICE_PREFIXES.find((name) => name === prefix);
    if (found === undefined) {
      throw new IdmockError(
        IDMOCK_INVALID_ARGUMENT,
        `cannot tell the service of route "${route}"; give service`,
      );
    }
    return found;
  };
  const qrPath = (uuid: string, action = ''): string =>
    `/__mock/qr/${encodeURIComponent(uuid)}${action === '' ? '' : `/${action}`}`;
  const provider = <Input>(name: 'wechat' | 'qq'): ProviderAdmin<Input> => ({
    apps: () => call(name, 'GET', '/__mock/apps'),
    users: async () => (await call<{ users: unknown[] }>(name, 'GET', '/__mock/users')).users,
    authorize: (input) => call<HeadlessConsent>(name, 'POST', '/__mock/authorize', input),
    autoApprove: async (user) => {
      await call(name, 'POST', '/__mock/auto-approve', { user });
    },
  });
  const wechatBase = provider<WechatAuthorizeInput>('wechat');

  return {
    services: transport.services,
    clock: {
      get: () => call<ClockView>(first(), 'GET', '/__mock/clock'),
      advance: (by) => call<ClockView>(first(), 'POST', '/__mock/clock/advance', { by }),
      reset: () => call<ClockView>(first(), 'POST', '/__mock/clock/reset'),
    },
    faults: {
      async add(fault) {
        const { service: given, ...input } = fault;
        const service = given ?? serviceOfRoute(fault.route);
        const answer = await call<{ fault: Fault }>(service, 'POST', '/__mock/faults', input);
        return { ...answer.fault, service };
      },
      async list(service) {
        const all: ServiceFault[] = [];
        for (const name of each(service)) {
          const answer = await call<{ faults: Fault[] }>(name, 'GET', '/__mock/faults');
          all.push(...answer.faults.map((f) => ({ ...f, service: name })));
        }
        return all;
      },
      async remove(service, id) {
        await call(service, 'DELETE', `/__mock/faults/${encodeURIComponent(id)}`);
      },
      async clear(service) {
        let cleared = 0;
        for (const name of each(service)) {
          cleared += (await call<{ cleared: number }>(name, 'DELETE', '/__mock/faults')).cleared;
        }
        return cleared;
      },
    },
    journal: {
      async query(service, query = {}) {
        const params = new URLSearchParams();
        for (const [key, value] of Object.entries(query)) {
          if (value !== undefined) params.set(key, String(value));
        }
        const search = params.size === 0 ? '' : `?${params.toString()}`;
        const answer = await call<{ entries: JournalEntry[] }>(
          service,
          'GET',
          `/__mock/journal${search}`,
        );
        return answer.entries;
      },
      async clear(service) {
        let cleared = 0;
        for (const name of each(service)) {
          cleared += (await call<{ cleared: number }>(name, 'DELETE', '/__mock/journal')).cleared;
        }
        return cleared;
      },
    },
    state: {
      async export() {
        const services: Record<string, unknown> = {};
        let clock: { offsetMs: number } | undefined;
        for (const name of transport.services) {
          const answer = await transport.send(name, 'GET', '/__mock/state');
          if (answer.status === 501) continue;
          if (answer.status !== 200) {
            throw new IdmockAdminError(
              name,
              answer.status,
              `${name} GET /__mock/state answered ${answer.status}: ${messageOf(answer.body)}`,
              answer.body,
            );
          }
          const document = answer.body as StateDocument;
          Object.assign(services, document.services);
          clock ??= document.clock;
        }
        return {
          format: STATE_FORMAT,
          version: STATE_VERSION,
          ...(clock ? { clock } : {}),
          services,
        };
      },
      async import(document) {
        for (const name of transport.services) {
          if (document.services[name] === undefined) continue;
          await call(name, 'PUT', '/__mock/state', document);
        }
      },
      async reset() {
        for (const name of transport.services) await call(name, 'POST', '/__mock/reset');
        if (transport.services.length > 0) await call(first(), 'POST', '/__mock/clock/reset');
      },
    },
    scenarios: {
      list: async () =>
        (await call<{ scenarios: ScenarioSummary[] }>(first(), 'GET', '/__mock/scenarios'))
          .scenarios,
      apply: (name) =>
        call<ScenarioResult>(first(), 'POST', `/__mock/scenarios/${encodeURIComponent(name)}`),
    },
    wechat: {
      ...wechatBase,
      users: async () =>
        (await call<{ users: WechatUserView[] }>('wechat', 'GET', '/__mock/users')).users,
      qr: {
        list: async () =>
          (await call<{ sessions: WechatQrSessionView[] }>('wechat', 'GET', '/__mock/qr')).sessions,
        get: (uuid) => call<WechatQrSessionView>('wechat', 'GET', qrPath(uuid)),
        scan: (uuid, user) =>
          call<WechatQrSessionView>(
            'wechat',
            'POST',
            qrPath(uuid, 'scan'),
            user === undefined ? {} : { user },
          ),
        confirm: (uuid, user) =>
          call<WechatQrSessionView>(
            'wechat',
            'POST',
            qrPath(uuid, 'confirm'),
            user === undefined ? {} : { user },
          ),
        cancel: (uuid) => call<WechatQrSessionView>('wechat', 'POST', qrPath(uuid, 'cancel')),
        expire: (uuid) => call<WechatQrSessionView>('wechat', 'POST', qrPath(uuid, 'expire')),
      },
    },
    qq: provider<QqAuthorizeInput>('qq'),
    request: (service, method, path, body) => call(service, method, path, body),
  };
}
