import { spawn } from 'node:child_process';
const child = spawn('npx', ['tsx', 'src/cli/main.ts', 'start', 'wechat', '--port', '0'], { cwd: '/work/main', stdio: ['ignore', 'pipe', 'pipe'] });
let out = '';
const t0 = Date.now();
child.stdout.on('data', (d) => { out += d; if (out.includes('idmock ready')) { console.log('ready after', Date.now() - t0, out.split('\n')[0]); child.kill('SIGTERM'); } });
child.stderr.on('data', (d) => process.stderr.write(d));
child.on('exit', (code, sig) => console.log('exit', code, sig, Date.now() - t0));
