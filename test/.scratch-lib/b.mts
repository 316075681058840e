import nock from 'nock';
import https from 'node:https';
import { interceptWithNock } from '/work/main/src/nock.ts';
nock.disableNetConnect();
const w = await interceptWithNock({ services: ['wechat'] });
console.log(w.origins);
const c = await w.admin.wechat.authorize({ appid: 'wx1a2b3c4d5e6f7081', redirect_uri: 'http://localhost/cb', user: 'zhang-wei', state: 's', scope: 'snsapi_login' });
const url = `https://api.weixin.qq.com/sns/oauth2/access_token?appid=wx1a2b3c4d5e6f7081&secret=0f1e2d3c4b5a69788796a5b4c3d2e1f0&code=${c.code}&grant_type=authorization_code`;
const r = await fetch(url); console.log(r.status, r.headers.get('content-type'), await r.text());
const body = await new Promise<string>((res, rej) => https.get(url, (m) => { let d=''; m.on('data', (x) => d+=x); m.on('end', () => res(`${m.statusCode} ${m.headers['content-type']} ${d}`)); }).on('error', rej));
console.log(body);
// form POST via fetch
const p = await fetch('https://api.weixin.qq.com/sns/oauth2/access_token', { method: 'POST', headers: {'content-type': 'application/x-www-form-urlencoded'}, body: 'appid=wx1a2b3c4d5e6f7081&code=zzz' }); console.log(await p.text());
await w.admin.faults.add({ route: 'wechat.getUserInfo', drop: true });
try { await fetch('https://api.weixin.qq.com/sns/userinfo?access_token=x&openid=y'); } catch (e) { console.log('fetch drop', (e as any).cause?.code ?? (e as any).cause?.message) }
await w.admin.faults.add({ route: 'wechat.getUserInfo', drop: true });
await new Promise<void>((res) => https.get('https://api.weixin.qq.com/sns/userinfo', () => res()).on('error', (e) => { console.log('https drop', (e as any).code); res(); }));
// JSON post
const j = await fetch('https://open.weixin.qq.com/__mock/authorize', { method: 'POST', headers: {'content-type':'application/json'}, body: JSON.stringify({ appid: 'wx1a2b3c4d5e6f7081', redirect_uri: 'http://localhost/cb', user: 'li-na', scope: 'snsapi_login' }) }); console.log(j.status, await j.text());
console.log((await w.admin.journal.query('wechat')).map(e => `${e.method} ${e.url} ${e.response.status}`));
console.log('pending', nock.pendingMocks(), nock.isDone());
w.restore();
console.log('active after restore', nock.activeMocks());
try { await fetch(url) } catch (e) { console.log('after restore', (e as any).cause?.message ?? e) }
