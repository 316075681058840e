/** The ready line and the short world table printed once every service listens. */
import type { RunningIdmock } from '../runtime/start.js';
import type { QqContext } from '../providers/qq/index.js';
import type { WechatContext } from '../providers/wechat/index.js';

/** Formats the `idmock ready` line, then apps and personas (or one JSON document). */
export function readySummary(running: RunningIdmock, asJson: boolean): string {
  const urls = Object.entries(running.urls).map(([name, url]) => `${name}=${url}`);
  const wechat = running.services.wechat?.context as WechatContext | undefined;
  const apps: { provider: string; id: string; secret: string; kind: string; name: string }[] = (
    wechat?.world.apps ?? []
  ).map((app) => ({
    provider: 'wechat',
    id: app.appid,
    secret: app.secret,
    kind: app.kind,
    name: app.name,
  }));
  const qq = running.services.qq?.context as QqContext | undefined;
  for (const app of qq?.world.apps ?? []) {
    apps.push({
      provider: 'qq',
      id: app.clientId,
      secret: app.appkey,
      kind: app.unionidPermission ? 'unionid' : 'no-unionid',
      name: app.name,
    });
  }
  const personas = running.personas.map((persona) => ({
    id: persona.id,
    nickname: persona.nickname,
    wechat: persona.wechat,
    qq: persona.qq !== null,
  }));
  if (asJson) {
    return `${JSON.stringify({ event: 'idmock ready', urls: running.urls, apps, personas })}\n`;
  }
  const lines = [`idmock ready ${urls.join(' ')}`, '', 'apps:'];
  for (const app of apps)
    lines.push(
      `  ${app.provider.padEnd(7)} ${app.id.padEnd(20)} ${app.secret}  ${app.kind.padEnd(16)} ${app.name}`,
    );
  lines.push('', 'personas:');
  for (const p of personas) {
    lines.push(
      `  ${p.id.padEnd(14)} ${p.nickname.padEnd(8)} ${[p.wechat ? 'wechat' : '', p.qq ? 'qq' : ''].filter(Boolean).join('+')}`,
    );
  }
  lines.push('', 'dev-only secrets are in use; never point real users at these services.', '');
  return lines.join('\n');
}
