import { describe, expect, it } from 'vitest';
import { createWechatClient } from '../../src/auth-server/clients/wechat-client.js';
import type { FetchLike } from '../../src/auth-server/clients/provider-http.js';

describe('provider clients and the admin token', () => {
  const seen: { url: string; headers: Record<string, string> }[] = [];
  const fetchSpy: FetchLike = (url, init) => {
    seen.push({ url, headers: init.headers ?? {} });
    const body = url.includes('/__mock/users')
      ? { users: [{ id: 'li-na', openids: { wxapp: 'oLiNa' } }] }
      : { errcode: 0, errmsg: 'ok', openid: 'oLiNa', nickname: '李娜' };
    return Promise.resolve(new Response(JSON.stringify(body)));
  };
  const client = createWechatClient({
    baseUrl: 'http://wechat:7701',
    timeoutMs: 1000,
    fetch: fetchSpy,
    adminToken: 'an-admin-token-of-length',
  });

  it('sends the admin token to the mock-only endpoints', async () => {
    const answer = await client.personaOpenids('wxapp');
    expect(answer.kind).toBe('ok');
    const call = seen.find((entry) => entry.url.includes('/__mock/users'));
    expect(call?.headers['authorization']).toBe('Bearer an-admin-token-of-length');
  });

  it('never sends it to the provider API', async () => {
    await client.validate('86_token', 'oLiNa');
    const apiCalls = seen.filter((entry) => entry.url.includes('/sns/'));
    expect(apiCalls.length).toBeGreaterThan(0);
    for (const call of apiCalls) expect(call.headers['authorization']).toBeUndefined();
  });
});
