/**
 * The dashboard page, server-rendered with the escaping `html` tag: a header with the mock clock,
 * the services' health, then one card per part of the world. Each live part is a section the page
 * script swaps for its fresh rendering (`renderSections`) once a second; the journal is the one
 * part the script renders itself, because the auth server's own journal is read by the browser.
 */
import { createHash } from 'node:crypto';
import { html, raw, scriptValue, type SafeHtml } from '../../core/html.js';
import { DASHBOARD_TEXT, formatSeconds, type DashboardLang, type DashboardText } from './i18n.js';
import {
  hintOf,
  type AccountView,
  type DashboardModel,
  type GrantView,
  type IdentityView,
  type PersonaView,
  type PlayerView,
  type QrSessionView,
  type ServiceName,
  type SmsView,
} from './model.js';
import { JOURNAL_LINES } from './providers.js';
import { DASHBOARD_SCRIPT } from './script.js';
import { DASHBOARD_STYLE } from './style.js';

/** The parts of the page the script refreshes, by their `data-live` name. */
export type LiveSection =
  'clock' | 'services' | 'players' | 'accounts' | 'qr' | 'sms' | 'grants' | 'world';

/** Grants listed per service and kind before "n more". */
const GRANTS_PER_GROUP = 6;

/** Journal lines the page shows, all services together. */
const JOURNAL_SHOWN = 40;

const SERVICE_BADGE: Readonly<Record<ServiceName, string>> = {
  auth: 'svc-auth',
  wechat: 'svc-wechat',
  qq: 'svc-qq',
};

/** A `<time>` the script shows in the browser's time zone; UTC until it runs. */
function time(iso: string, format: 'time' | 'datetime'): SafeHtml {
  const fallback = format === 'time' ? iso.slice(11, 19) : `${iso.slice(0, 19).replace('T', ' ')}Z`;
  return html`<time datetime="${iso}" data-format="${format}">${fallback}</time>`;
}

/** An id, whole. */
function mono(value: string): SafeHtml {
  return html`<span class="mono">${value}</span>`;
}

/** A long external id (openid, unionid) cut to its start, whole in the tooltip. */
function shortId(value: string): SafeHtml {
  return html`<span class="mono" title="${value}">${hintOf(value)}</span>`;
}

function remaining(seconds: number, lang: DashboardLang): SafeHtml {
  return html`<span class="left${seconds < 60 ? ' soon' : ''}"
    >${formatSeconds(seconds, lang)}</span
  >`;
}

function empty(text: string, columns: number): SafeHtml {
  return html`<tr class="empty">
    <td colspan="${columns}">${text}</td>
  </tr>`;
}

function unavailable(t: DashboardText, service: 'wechat' | 'qq'): SafeHtml {
  return html`<p class="unavailable">${t.unavailableData(t.services[service])}</p>`;
}

function serviceBadge(t: DashboardText, service: ServiceName): SafeHtml {
  return html`<span class="badge ${SERVICE_BADGE[service]}">${t.services[service]}</span>`;
}

/** A name above its id (ids are shown whole: they are no secrets). */
function nameAndId(name: string | null, value: string): SafeHtml {
  return html`<div class="who">
    ${name === null || name === '' ? '' : html`<span>${name}</span>`} ${mono(value)}
  </div>`;
}

function renderClock(model: DashboardModel, t: DashboardText, lang: DashboardLang): SafeHtml {
  const { clock } = model;
  const drift =
    Math.abs(clock.offsetMs) < 1000
      ? t.inStep
      : t.ahead(formatSeconds(clock.offsetMs / 1000, lang));
  return html`<span class="label">${t.clock}</span>
    <b class="mono" data-epoch-ms="${clock.epochMs}">${time(clock.now, 'datetime')}</b>
    <span class="muted">${drift}</span>`;
}

function renderServices(model: DashboardModel, t: DashboardText): SafeHtml {
  const order: readonly ServiceName[] = ['auth', 'wechat', 'qq'];
  return html`${order.map((name) => {
    const service = model.services[name];
    const ok = service.status === 'ok';
    return html`<div
      class="svc ${ok ? 'up' : 'down'}"
      data-service="${name}"
      data-status="${service.status}"
    >
      <div class="svc-head">
        <span class="dot"></span><b>${t.services[name]}</b>
        <span class="svc-state">${ok ? t.ok : t.unavailable}</span>
      </div>
      <div class="muted mono small">${service.baseUrl ?? t.thisServer}</div>
      ${ok ? '' : html`<div class="reason small">${service.reason}</div>`}
    </div>`;
  })}`;
}

function identity(link: IdentityView): SafeHtml {
  const css = link.system === 'WC' ? 'wc' : 'qq';
  return html`<div class="ident" data-system="${link.system}">
    <span class="badge ${css}">${link.system}</span> ${shortId(link.externalId)}
    ${link.nickname === null ? '' : html`<span class="muted">${link.nickname}</span>`}
  </div>`;
}

function playerRow(t: DashboardText, player: PlayerView): SafeHtml {
  return html`<tr data-player-id="${player.id}">
    <td>${nameAndId(player.displayName, player.id)}</td>
    <td>
      ${
        player.identities.length === 0 && player.pending.length === 0
          ? html`<span class="muted">${t.none}</span>`
          : ''
      }
      ${player.identities.map((link) => identity(link))}
      ${player.pending.map(
        (pending) =>
          html`<div class="ident pending" data-system="${pending.system}">
            <span class="badge ghost">${pending.system}</span>
            <span class="muted">${t.pending} · ${pending.persona}</span>
          </div>`,
      )}
    </td>
    <td>${player.userName ?? html`<span class="muted">${t.none}</span>`}</td>
    <td class="num">${player.authTokens}</td>
    <td>${player.online ? html`<span class="badge on">${t.online}</span>` : ''}</td>
    <td class="muted">${time(player.createdAt, 'datetime')}</td>
  </tr>`;
}

function renderPlayers(model: DashboardModel, t: DashboardText): SafeHtml {
  return html`<table>
    <thead>
      <tr>
        <th>${t.col.name}</th>
        <th>${t.col.identities}</th>
        <th>${t.col.login}</th>
        <th class="num">authToken</th>
        <th></th>
        <th>${t.col.created}</th>
      </tr>
    </thead>
    <tbody>
      ${model.players.map((player) => playerRow(t, player))}
    </tbody>
  </table>`;
}

function accountRow(t: DashboardText, account: AccountView): SafeHtml {
  const binding =
    account.unionId !== null
      ? html`<div class="ident" data-system="WC">
          <span class="badge wc">WC</span> ${shortId(account.unionId)}
          ${account.nickname === null ? '' : html`<span class="muted">${account.nickname}</span>`}
        </div>`
      : account.pendingPersona !== null
        ? html`<div class="ident pending">
            <span class="badge ghost">WC</span>
            <span class="muted">${t.pending} · ${account.pendingPersona}</span>
          </div>`
        : html`<span class="muted">${t.none}</span>`;
  return html`<tr data-account-id="${account.id}">
    <td>${nameAndId(account.displayName, account.id)}</td>
    <td class="mono">${account.tn ?? t.none}</td>
    <td>${account.username ?? html`<span class="muted">${t.none}</span>`}</td>
    <td>${binding}</td>
    <td class="num">${account.tokens}</td>
  </tr>`;
}

function renderAccounts(model: DashboardModel, t: DashboardText): SafeHtml {
  return html`<table>
    <thead>
      <tr>
        <th>${t.col.name}</th>
        <th>${t.col.tn}</th>
        <th>${t.col.login}</th>
        <th>${t.col.unionId}</th>
        <th class="num">${t.col.tokens}</th>
      </tr>
    </thead>
    <tbody>
      ${model.accounts.map((account) => accountRow(t, account))}
    </tbody>
  </table>`;
}

const FINAL_QR = new Set(['delivered', 'expired']);

function qrRow(t: DashboardText, lang: DashboardLang, session: QrSessionView): SafeHtml {
  return html`<tr data-qr-uuid="${session.uuid}" data-status="${session.status}">
    <td>${mono(session.uuid)}</td>
    <td>${nameAndId(session.appName, session.appid)}</td>
    <td>
      <span class="badge qr-${session.status}"
        >${t.qrStatus[session.status] ?? session.status}</span
      >
    </td>
    <td>
      ${
        session.persona === null
          ? html`<span class="muted">${t.none}</span>`
          : nameAndId(session.nickname, session.persona)
      }
    </td>
    <td class="mono ellipsis" title="${session.state}">${session.state}</td>
    <td>
      ${
        FINAL_QR.has(session.status)
          ? html`<span class="muted">${t.none}</span>`
          : remaining(session.expiresInSeconds, lang)
      }
    </td>
  </tr>`;
}

function renderQr(model: DashboardModel, t: DashboardText, lang: DashboardLang): SafeHtml {
  if (model.qrSessions === null) return unavailable(t, 'wechat');
  return html`<table>
    <thead>
      <tr>
        <th>${t.col.uuid}</th>
        <th>${t.col.app}</th>
        <th>${t.col.status}</th>
        <th>${t.col.user}</th>
        <th>${t.col.state}</th>
        <th>${t.col.remaining}</th>
      </tr>
    </thead>
    <tbody>
      ${
        model.qrSessions.length === 0
          ? empty(t.qrEmpty, 6)
          : model.qrSessions.map((session) => qrRow(t, lang, session))
      }
    </tbody>
  </table>`;
}

function smsRow(t: DashboardText, lang: DashboardLang, message: SmsView): SafeHtml {
  return html`<tr data-sms-id="${message.id}" title="${message.text}">
    <td class="muted">${time(message.sentAt, 'time')}</td>
    <td class="mono">${message.tn}</td>
    <td class="mono code">${message.code}</td>
    <td>
      <span class="badge sms-${message.status}"
        >${t.smsStatus[message.status] ?? message.status}</span
      >
    </td>
    <td>
      ${
        message.status === 'sent'
          ? remaining(message.expiresInSeconds, lang)
          : html`<span class="muted">${t.none}</span>`
      }
    </td>
  </tr>`;
}

function renderSms(model: DashboardModel, t: DashboardText, lang: DashboardLang): SafeHtml {
  return html`<table>
    <thead>
      <tr>
        <th>${t.col.time}</th>
        <th>${t.col.tn}</th>
        <th>${t.col.code}</th>
        <th>${t.col.status}</th>
        <th>${t.col.remaining}</th>
      </tr>
    </thead>
    <tbody>
      ${
        model.sms.length === 0
          ? empty(t.smsEmpty, 5)
          : model.sms.map((message) => smsRow(t, lang, message))
      }
    </tbody>
  </table>`;
}

function grantRow(t: DashboardText, lang: DashboardLang, grant: GrantView): SafeHtml {
  return html`<tr data-grant-service="${grant.service}" data-grant-kind="${grant.kind}">
    <td>${serviceBadge(t, grant.service)}</td>
    <td>${t.kinds[grant.kind] ?? grant.kind}</td>
    <td class="mono">${grant.hint ?? t.none}</td>
    <td>${nameAndId(grant.appName, grant.app)}</td>
    <td>${nameAndId(grant.subjectName, grant.subject)}</td>
    <td class="mono muted">${grant.scope ?? ''}</td>
    <td>${remaining(grant.expiresInSeconds, lang)}</td>
  </tr>`;
}

function renderGrants(model: DashboardModel, t: DashboardText, lang: DashboardLang): SafeHtml {
  const groups = new Map<string, GrantView[]>();
  for (const grant of model.grants) {
    const key = `${grant.service} ${grant.kind}`;
    const group = groups.get(key) ?? [];
    group.push(grant);
    groups.set(key, group);
  }
  const rows: SafeHtml[] = [];
  for (const group of groups.values()) {
    const first = group[0];
    if (!first) continue;
    rows.push(...group.slice(0, GRANTS_PER_GROUP).map((grant) => grantRow(t, lang, grant)));
    const total = model.grantTotals[first.service]?.[first.kind] ?? group.length;
    const hidden = total - Math.min(group.length, GRANTS_PER_GROUP);
    if (hidden > 0) {
      rows.push(
        html`<tr class="more">
          <td colspan="7">${t.kinds[first.kind]} · ${t.more(hidden)}</td>
        </tr>`,
      );
    }
  }
  const authTokens = model.grantTotals.auth?.authToken ?? 0;
  const down = (['wechat', 'qq'] as const).filter((name) => model.grantTotals[name] === null);
  return html`<table>
      <thead>
        <tr>
          <th>${t.col.service}</th>
          <th>${t.col.kind}</th>
          <th>${t.col.value}</th>
          <th>${t.col.app}</th>
          <th>${t.col.user}</th>
          <th>${t.col.scope}</th>
          <th>${t.col.remaining}</th>
        </tr>
      </thead>
      <tbody>
        ${rows.length === 0 ? empty(t.grantsEmpty, 7) : rows}
      </tbody>
    </table>
    <p class="note">${t.authTokens(authTokens)}</p>
    ${down.map((name) => unavailable(t, name))}`;
}

function uses(t: DashboardText, usedBy: readonly ('connect' | 'login')[]): SafeHtml {
  return html`${usedBy.map((use) => html` <span class="badge use">${t.uses[use]}</span>`)}`;
}

function personaRow(t: DashboardText, persona: PersonaView): SafeHtml {
  const cell = (value: string | null | undefined): SafeHtml =>
    value === null || value === undefined
      ? html`<td><span class="muted">${t.none}</span></td>`
      : html`<td class="mono">${value}</td>`;
  return html`<tr data-persona-id="${persona.id}">
    <td>${nameAndId(persona.nickname, persona.id)}</td>
    ${cell(persona.wechat?.openid)} ${cell(persona.wechat?.unionid)} ${cell(persona.qq?.openid)}
    ${cell(persona.qq?.unionid)}
  </tr>`;
}

function renderWorld(model: DashboardModel, t: DashboardText): SafeHtml {
  const { wechat, qq } = model.apps;
  const wechatApps =
    wechat === null
      ? unavailable(t, 'wechat')
      : html`<table>
          <thead>
            <tr>
              <th>${t.col.appid}</th>
              <th>${t.col.name}</th>
              <th>${t.col.kindApp}</th>
              <th>${t.col.callback}</th>
              <th>${t.col.account}</th>
            </tr>
          </thead>
          <tbody>
            ${wechat.map(
              (app) =>
                html`<tr data-appid="${app.appid}">
                  <td class="mono">${app.appid}</td>
                  <td>${app.name}${uses(t, app.usedBy)}</td>
                  <td>${t.appKinds[app.kind] ?? app.kind}</td>
                  <td class="mono">${app.callbackDomain ?? t.none}</td>
                  <td class="mono">${app.openPlatformAccount ?? t.none}</td>
                </tr>`,
            )}
          </tbody>
        </table>`;
  const qqApps =
    qq === null
      ? unavailable(t, 'qq')
      : html`<table>
          <thead>
            <tr>
              <th>${t.col.clientId}</th>
              <th>${t.col.name}</th>
              <th>${t.col.callback}</th>
              <th>${t.col.developer}</th>
              <th>UnionID</th>
            </tr>
          </thead>
          <tbody>
            ${qq.map(
              (app) =>
                html`<tr data-client-id="${app.clientId}">
                  <td class="mono">${app.clientId}</td>
                  <td>${app.name}${uses(t, app.usedBy)}</td>
                  <td class="mono small">
                    ${app.callbacks.map((callback) => html`<div>${callback}</div>`)}
                  </td>
                  <td class="mono">${app.developerAccount}</td>
                  <td>${app.unionidPermission ? t.unionidYes : t.unionidNo}</td>
                </tr>`,
            )}
          </tbody>
        </table>`;
  return html`<div class="world">
    <div>
      <h3>${t.wechatApps}</h3>
      ${wechatApps}
    </div>
    <div>
      <h3>${t.qqApps}</h3>
      ${qqApps}
    </div>
    <div>
      <h3>${t.personas} <small>${t.personasNote}</small></h3>
      <table>
        <thead>
          <tr>
            <th>${t.col.persona}</th>
            <th>${t.col.wechatOpenid}</th>
            <th>${t.col.wechatUnionid}</th>
            <th>${t.col.qqOpenid}</th>
            <th>${t.col.qqUnionid}</th>
          </tr>
        </thead>
        <tbody>
          ${model.personas.map((persona) => personaRow(t, persona))}
        </tbody>
      </table>
    </div>
  </div>`;
}

/** Renders every live section of the page. */
export function renderSections(
  model: DashboardModel,
  lang: DashboardLang,
): Record<LiveSection, string> {
  const t = DASHBOARD_TEXT[lang];
  return {
    clock: renderClock(model, t, lang).value,
    services: renderServices(model, t).value,
    players: renderPlayers(model, t).value,
    accounts: renderAccounts(model, t).value,
    qr: renderQr(model, t, lang).value,
    sms: renderSms(model, t, lang).value,
    grants: renderGrants(model, t, lang).value,
    world: renderWorld(model, t).value,
  };
}

function card(
  title: string,
  note: string | null,
  section: LiveSection,
  body: string,
  wide = false,
): SafeHtml {
  return html`<section class="card${wide ? ' span-2' : ''}" id="${section}">
    <h2>${title} ${note === null ? '' : html`<small>${note}</small>`}</h2>
    <div class="body" data-live="${section}">${raw(body)}</div>
  </section>`;
}

/** What the page script needs, embedded as a JS literal. */
function scriptConfig(lang: DashboardLang): Record<string, unknown> {
  const t = DASHBOARD_TEXT[lang];
  return {
    json: `dashboard.json?fragments=1&lang=${lang}`,
    journal: `journal?route=auth.*&limit=${JOURNAL_LINES}`,
    intervalMs: 1000,
    journalLines: JOURNAL_SHOWN,
    services: t.services,
    text: { live: t.live, stale: t.stale, empty: t.journalEmpty },
  };
}

/** The page and the Content-Security-Policy that lets exactly its own script and style run. */
export interface RenderedPage {
  readonly body: string;
  readonly csp: string;
}

const sha256 = (text: string): string =>
  `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Renders the whole page. */
export function renderDashboardPage(model: DashboardModel, lang: DashboardLang): RenderedPage {
  const t = DASHBOARD_TEXT[lang];
  const sections = renderSections(model, lang);
  const script = `\n(${DASHBOARD_SCRIPT})(${scriptValue(scriptConfig(lang)).value});\n`;
  const other: DashboardLang = lang === 'cn' ? 'en' : 'cn';
  // Built outside the `html` template, whose text a formatter may re-indent: the CSP hashes below
  // must match the elements' text to the byte.
  const styleElement = raw(`<style>${DASHBOARD_STYLE}</style>`);
  const scriptElement = raw(`<script>${script}</script>`);
  const body = html`<!DOCTYPE html>
    <html lang="${t.htmlLang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>${t.title}</title>
        ${styleElement}
      </head>
      <body>
        <header class="top">
          <div class="brand">
            <h1>${t.title}</h1>
            <span class="muted">${t.subtitle}</span>
          </div>
          <div class="top-right">
            <div class="clock" data-live="clock">${raw(sections.clock)}</div>
            <span id="live" class="live">${t.live}</span>
            <a id="switch_lang" href="?lang=${other}">${t.switchLang}</a>
          </div>
        </header>
        <main>
          <div class="services" data-live="services">${raw(sections.services)}</div>
          <div class="grid">
            ${card(t.players, t.playersNote, 'players', sections.players)}
            ${card(t.accounts, t.accountsNote, 'accounts', sections.accounts)}
            ${card(t.qr, null, 'qr', sections.qr)} ${card(t.sms, null, 'sms', sections.sms)}
            ${card(t.grants, t.grantsNote, 'grants', sections.grants, true)}
            <section class="card span-2" id="journal">
              <h2>${t.journal} <small>${t.journalNote}</small></h2>
              <table>
                <thead>
                  <tr>
                    <th>${t.col.time}</th>
                    <th>${t.col.service}</th>
                    <th>${t.col.method}</th>
                    <th>${t.col.path}</th>
                    <th>${t.col.status}</th>
                    <th>${t.col.route}</th>
                    <th class="num">${t.col.duration}</th>
                  </tr>
                </thead>
                <tbody id="journal-rows">
                  ${empty(t.loading, 7)}
                </tbody>
              </table>
            </section>
            ${card(t.world, null, 'world', sections.world, true)}
          </div>
        </main>
        <footer class="muted">
          ${t.footer}<a href="dashboard.json">/__mock/dashboard.json</a>
        </footer>
        ${scriptElement}
      </body>
    </html>`.value;
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(DASHBOARD_STYLE)}`,
    "connect-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { body, csp };
}
