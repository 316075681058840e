import express from 'express';
import { startIdmock } from '/work/main/src/runtime/start.js';
import { createServiceRouter } from '/work/main/src/adapters/express/index.js';
const m = await startIdmock({ services: ['wechat'] });
const u = m.urls.wechat!;
const show = async (label: string, p: Promise<Response>) => {
  try { const r = await p; console.log(label, r.status, r.headers.get('content-type'), (await r.text()).slice(0, 300)); }
  catch (e) { console.log(label, 'ERR', (e as Error).message, (e as any).cause?.code); }
};
await show('big query', fetch(`${u}/sns/auth?access_token=${'a'.repeat(100_000)}`));
await show('8k query', fetch(`${u}/sns/auth?access_token=${'a'.repeat(8_000)}`));
await show('2MB body', fetch(`${u}/sns/auth`, { method: 'POST', headers: {'content-type':'application/x-www-form-urlencoded'}, body: 'a='+'x'.repeat(2_000_000) }));
await show('bad utf8 body', fetch(`${u}/sns/oauth2/access_token`, { method: 'POST', headers: {'content-type':'application/x-www-form-urlencoded'}, body: Buffer.from([0x61,0x3d,0xff,0xfe]) }));
await show('clock huge', fetch(`${u}/__mock/clock/advance`, { method: 'POST', headers: {'content-type':'application/json'}, body: '{"by":1e308}' }));
await show('clock after', fetch(`${u}/__mock/clock`));
await show('put', fetch(`${u}/sns/userinfo`, { method: 'PUT' }));
await show('404', fetch(`${u}/nope`));
const app = express(); app.use(express.json()); app.use(express.urlencoded()); app.use(createServiceRouter(m.services.wechat!));
const srv = app.listen(0, '127.0.0.1'); await new Promise(r => srv.once('listening', r));
const eu = `http://127.0.0.1:${(srv.address() as any).port}`;
await show('express bad json', fetch(`${eu}/sns/auth`, { method: 'POST', headers: {'content-type':'application/json'}, body: '{bad' }));
await show('express json', fetch(`${eu}/sns/auth`, { method: 'POST', headers: {'content-type':'application/json'}, body: '{"access_token":"x"}' }));
await show('express 2MB', fetch(`${eu}/sns/auth`, { method: 'POST', headers: {'content-type':'application/x-www-form-urlencoded'}, body: 'a='+'x'.repeat(2_000_000) }));
await show('express bad utf8', fetch(`${eu}/sns/oauth2/access_token`, { method: 'POST', headers: {'content-type':'application/x-www-form-urlencoded'}, body: Buffer.from([0x61,0x3d,0xff,0xfe]) }));
srv.close(); srv.closeAllConnections(); await m.stop();
