import { describe, expect, it } from 'vitest';
import { attachControls, controlsOf } from '../../src/core/controls.js';
import { createRequest, json } from '../../src/core/http.js';
import { createJournal } from '../../src/core/journal.js';
import { codeFor, exchangePath, send, wechatWorld } from './controls-support.js';

function record(journal: ReturnType<typeof createJournal>, path: string, status = 200) {
  journal.record({
    service: 'wechat',
    route: path.startsWith('/sns') ? 'wechat.getUserInfo' : null,
    request: createRequest(`http://127.0.0.1${path}`),
    response: json({ ok: true }, { status }),
    faults: [],
    startedAt: Date.now(),
    mockStartedAt: null,
  });
}

describe('createJournal', () => {
  it('keeps the newest entries up to its bound and counts the evicted', () => {
    const journal = createJournal(3);
    for (let i = 1; i <= 5; i++) record(journal, `/p${i}`);
    expect(journal.query().map((e) => e.path)).toEqual(['/p3', '/p4', '/p5']);
    expect(journal.query().map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(journal.evicted()).toBe(2);
    expect(journal.clear()).toBe(3);
    expect(journal.query()).toEqual([]);
  });

  it('reuses its slots: entries read before a slot is overwritten keep what they said', () => {
    const journal = createJournal(2);
    record(journal, '/a');
    record(journal, '/b');
    const before = journal.query();
    for (const path of ['/c', '/d', '/e']) record(journal, path);
    expect(before.map((e) => e.path)).toEqual(['/a', '/b']);
    expect(journal.query().map((e) => [e.seq, e.path])).toEqual([
      [4, '/d'],
      [5, '/e'],
    ]);
    expect(journal.evicted()).toBe(3);
    // After a clear the ring starts again from empty, with sequence numbers still increasing.
    journal.clear();
    record(journal, '/f');
    expect(journal.query().map((e) => [e.seq, e.path])).toEqual([[6, '/f']]);
    expect(journal.evicted()).toBe(0);
  });

  it('keeps nothing with a bound of 0', () => {
    const journal = createJournal(0);
    record(journal, '/a');
    expect(journal.query()).toEqual([]);
    expect(journal.evicted()).toBe(0);
  });

  it('filters by route, method, path, status, after and limit', () => {
    const journal = createJournal();
    record(journal, '/sns/userinfo?a=1');
    record(journal, '/other', 404);
    record(journal, '/sns/userinfo?a=2', 500);
    expect(journal.query({ route: 'wechat.getUserInfo' })).toHaveLength(2);
    expect(journal.query({ route: 'wechat.*' })).toHaveLength(2);
    expect(journal.query({ method: 'get' })).toHaveLength(3);
    expect(journal.query({ path: 'other' }).map((e) => e.seq)).toEqual([2]);
    expect(journal.query({ status: 500 }).map((e) => e.seq)).toEqual([3]);
    expect(journal.query({ after: 1 }).map((e) => e.seq)).toEqual([2, 3]);
    expect(journal.query({ limit: 1 }).map((e) => e.seq)).toEqual([3]);
  });

  it('filters by real arrival time', () => {
    const journal = createJournal();
    record(journal, '/a');
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(journal.query({ since: future })).toEqual([]);
    expect(journal.query({ since: Date.now() - 60_000 })).toHaveLength(1);
  });

  it('cuts long bodies and keeps binary ones as base64', () => {
    const journal = createJournal();
    journal.record({
      service: 'wechat',
      route: null,
      request: createRequest('http://127.0.0.1/x', {
        method: 'POST',
        body: { kind: 'text', text: 'x'.repeat(20_000) },
      }),
      response: { status: 200, headers: {}, body: new Uint8Array([1, 2, 3]) },
      faults: [],
      startedAt: Date.now(),
      mockStartedAt: null,
    });
    const [entry] = journal.query();
    if (!entry) throw new Error('the journal kept nothing');
    expect(entry.request.body.truncated).toBe(true);
    expect(entry.request.body.text).toHaveLength(16_384);
    expect(entry.response.body).toEqual({ text: 'AQID', encoding: 'base64', truncated: false });
  });
});

describe('the journal kept by dispatch', () => {
  it('records every request and response with its route name and faults, newest last', async () => {
    const { wechat } = await wechatWorld();
    const code = await codeFor(wechat);
    const fault = controlsOf(wechat).faults.add(
      { route: 'wechat.exchangeCode', error: 'systemError' },
      wechat,
    );
    await send(wechat, exchangePath(code));
    await send(wechat, exchangePath(code));
    await send(wechat, '/no/such/path');
    const entries = controlsOf(wechat).journal.query();
    expect(entries.map((e) => [e.route, e.method, e.response.status, e.faults])).toEqual([
      ['mock.authorize', 'POST', 200, []],
      ['wechat.exchangeCode', 'GET', 200, [fault.id]],
      ['wechat.exchangeCode', 'GET', 200, []],
      [null, 'GET', 404, []],
    ]);
    expect(entries[1]?.response.body.text).toMatch(/"errcode":-1/);
    expect(entries[2]?.response.body.text).toMatch(/"access_token"/);
    expect(entries[0]?.request.body.text).toContain('"user":"zhang-wei"');
    expect(entries[0]?.mockTime).toMatch(/^\d{4}-/);
  });

  it('serves GET and DELETE /__mock/journal with filters, and does not journal them', async () => {
    const { wechat } = await wechatWorld();
    await send(wechat, '/sns/auth');
    await send(wechat, '/sns/userinfo');
    const read = await send(wechat, '/__mock/journal?route=wechat.getUserInfo');
    expect(read.status).toBe(200);
    expect(read.json()).toMatchObject({ service: 'wechat', limit: 1000, evicted: 0 });
    expect(read.json().entries.map((e: { path: string }) => e.path)).toEqual(['/sns/userinfo']);
    expect((await send(wechat, '/__mock/journal?status=abc')).status).toBe(400);
    expect((await send(wechat, '/__mock/journal', { method: 'DELETE' })).json()).toEqual({
      cleared: 2,
    });
    expect((await send(wechat, '/__mock/journal')).json().entries).toEqual([]);
  });

  it('takes its bound from the controls options', async () => {
    const { wechat } = await wechatWorld();
    attachControls(wechat, { journalLimit: 2 });
    for (let i = 0; i < 4; i++) await send(wechat, `/sns/auth?i=${i}`);
    const answer = (await send(wechat, '/__mock/journal')).json();
    expect(answer.limit).toBe(2);
    expect(answer.evicted).toBe(2);
    expect(answer.entries.map((e: { url: string }) => new URL(e.url).search)).toEqual([
      '?i=2',
      '?i=3',
    ]);
  });
});
