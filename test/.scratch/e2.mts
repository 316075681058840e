import { startIdmock } from '/work/main/src/runtime/start.js';
const m = await startIdmock({ services: ['wechat'] });
const u = m.urls.wechat!;
const show = async (label: string, p: Promise<Response>) => {
  try { const r = await p; console.log(label, r.status, r.headers.get('content-type'), (await r.text()).slice(0, 300)); }
  catch (e) { console.log(label, 'ERR', (e as Error).message, (e as any).cause?.code); }
};
await show('clock huge', fetch(`${u}/__mock/clock/advance`, { method: 'POST', headers: {'content-type':'application/json'}, body: '{"by":"99999999999999d"}' }));
await show('clock after', fetch(`${u}/__mock/clock`));
await show('sns after', fetch(`${u}/sns/auth`));
await show('clock reset', fetch(`${u}/__mock/clock/reset`, {method:'POST'}));
await show('raw path', fetch(`${u}/connect/qrcode/%E0%A4%A`));
await show('qrcode', fetch(`${u}/connect/qrcode/abc`));
await m.stop();
