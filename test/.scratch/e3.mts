import { connect } from 'node:net';
import { startIdmock } from '/work/main/src/runtime/start.js';
const m = await startIdmock({ services: ['wechat'] });
const port = new URL(m.urls.wechat!).port;
for (const line of [Buffer.concat([Buffer.from('GET /sns/auth?access_token='), Buffer.from([0xff,0xfe]), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')]),
  Buffer.concat([Buffer.from('GET /connect/qrcode/'), Buffer.from([0xff,0xfe]), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')]),
  Buffer.from('GET /sns/auth HTTP/1.1\r\nHost: <script>\r\nConnection: close\r\n\r\n')]) {
  await new Promise<void>((res) => { const s = connect(Number(port), '127.0.0.1'); let out=''; s.on('data', d => out += d.toString('latin1')); s.on('close', () => { console.log(JSON.stringify(out.slice(0,400))); res(); }); s.write(line); });
}
await m.stop();
