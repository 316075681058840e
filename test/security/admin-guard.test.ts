/**
 * Mock-only endpoints (`/__mock/...`: world listings with secrets, state import, faults, clock)
 * answer loopback callers; a caller elsewhere on the network needs the configured admin token,
 * and with none configured is always refused. Every mock-only route of every service is checked,
 * read from the route tables, so a new one is covered without touching this file. The health check
 * stays open for container probes, and the real endpoints are not guarded.
 */
import { describe, expect, it } from 'vitest';
import { CONTROL_ROUTES } from '../../src/core/control-routes.js';
import type { Route, Service } from '../../src/core/router.js';
import { DEFAULT_CONFIG } from '../../src/runtime/config.js';
import { startIdmock } from '../../src/runtime/start.js';
import { call, createInProcessWorld, type ServiceName } from '../fuzz/world.js';

const TOKEN = 'admin-guard-token-0123456789abcdef';
const OUTSIDE = ['10.0.0.5', '192.168.1.20', '::ffff:10.0.0.5', '2001:db8::7', '0.0.0.0'];
const NAMES: readonly ServiceName[] = ['wechat', 'qq', 'auth'];

/** A concrete path for a route (`:uuid` → `x`). */
function pathOf(route: Route<unknown>): string {
  return route.path.replace(/:[^/]+/g, 'x');
}

function mockOnlyRoutes(service: Service): Route<unknown>[] {
  return [...(service.routes as Route<unknown>[]), ...(CONTROL_ROUTES as Route<unknown>[])].filter(
    (route) => route.path.startsWith('/__mock/') && route.path !== '/__mock/healthz',
  );
}

describe.each([
  { label: 'no admin token configured', token: null },
  { label: 'an admin token configured', token: TOKEN },
])('mock-only endpoints with $label', ({ token }) => {
  it.each(NAMES)('refuses every %s mock-only route to a caller off loopback', async (name) => {
    const world = await createInProcessWorld({ config: { adminToken: token } });
    const service = world.services[name];
    const routes = mockOnlyRoutes(service);
    expect(routes.length).toBeGreaterThan(5);
    for (const route of routes) {
      for (const remoteAddress of OUTSIDE) {
        for (const headers of [
          {},
          { authorization: 'Bearer not-the-token-0123456789' },
          { 'x-idmock-admin-token': `${TOKEN}x` },
          { authorization: TOKEN },
        ]) {
          const res = await call(service, route.method, pathOf(route), { headers, remoteAddress });
          expect(res.status, `${route.method} ${route.path} from ${remoteAddress}`).toBe(403);
          expect(res.json()).toMatchObject({ error: 'forbidden' });
        }
      }
    }
  });

  it.each(NAMES)('serves %s mock-only routes to loopback callers', async (name) => {
    const world = await createInProcessWorld({ config: { adminToken: token } });
    const service = world.services[name];
    for (const remoteAddress of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
      const res = await call(service, 'GET', '/__mock/clock', { remoteAddress });
      expect(res.status).toBe(200);
    }
  });
});

describe('mock-only endpoints with the admin token presented', () => {
  it.each(NAMES)('serves %s to a caller off loopback', async (name) => {
    const world = await createInProcessWorld({ config: { adminToken: TOKEN } });
    const service = world.services[name];
    for (const headers of [
      { authorization: `Bearer ${TOKEN}` },
      { 'x-idmock-admin-token': TOKEN },
    ]) {
      const res = await call(service, 'GET', '/__mock/state', {
        headers,
        remoteAddress: '10.0.0.5',
      });
      expect(res.status).toBe(200);
    }
  });

  it('keeps the health check and the real endpoints open', async () => {
    const world = await createInProcessWorld();
    for (const name of NAMES) {
      const health = await call(world.services[name], 'GET', '/__mock/healthz', {
        remoteAddress: '10.0.0.5',
      });
      expect(health.status).toBe(200);
    }
    const api = await call(world.services.wechat, 'GET', '/sns/auth', {
      remoteAddress: '10.0.0.5',
    });
    expect(api.status).toBe(200);
    expect(api.json()).toMatchObject({ errcode: 41001 });
  });
});

describe('where idmock listens', () => {
  it('defaults to loopback', async () => {
    expect(DEFAULT_CONFIG.host).toBe('127.0.0.1');
    const idmock = await startIdmock({ services: ['wechat'] });
    try {
      expect(new URL(idmock.urls.wechat ?? '').hostname).toBe('127.0.0.1');
    } finally {
      await idmock.stop();
    }
  });
});
