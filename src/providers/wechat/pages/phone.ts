/**
 * The phone side: the confirm page a scanned QR code opens, and the OA consent page shown inside
 * WeChat. Both let the tester pick which persona is holding the phone.
 */
import { html, type SafeHtml } from '../../../core/html.js';
import type { WechatUser } from '../world.js';
import { page } from './layout.js';
import { WECHAT_TEXT, type PageLang } from './i18n.js';

function personaChoices(users: readonly WechatUser[], selected: string | null): SafeHtml {
  return html`${users.map(
    (user, index) =>
      html`<label class="persona">
        <input
          type="radio"
          name="user"
          value="${user.persona.id}"
          ${(selected === null ? index === 0 : selected === user.persona.id) ? html` checked` : ''}
        />
        <span>${user.persona.nickname} <small>${user.persona.id}</small></span>
      </label>`,
  )}`;
}

/** The phone's confirm page for a scanned QR code. */
export function renderConfirmPage(model: {
  uuid: string;
  appName: string;
  users: readonly WechatUser[];
  selected: string | null;
  lang: PageLang;
}): string {
  const t = WECHAT_TEXT[model.lang];
  const content = html`<div class="card">
    <h2>${t.confirmTitle}</h2>
    <p>${t.confirmApp(model.appName)}</p>
    <p>${t.confirmGrants}</p>
    <form method="post" action="/connect/confirm">
      <input type="hidden" name="uuid" value="${model.uuid}" />
      <input type="hidden" name="lang" value="${model.lang}" />
      <p><b>${t.pickPersona}</b></p>
      ${personaChoices(model.users, model.selected)}
      <button class="btn btn-primary" type="submit" name="action" value="agree" id="agree">
        ${t.agree}
      </button>
      <button class="btn btn-default" type="submit" name="action" value="cancel" id="cancel">
        ${t.cancel}
      </button>
    </form>
  </div>`;
  return page(t.confirmTitle, 'page-phone', content, model.lang);
}

/** The phone page after a decision, or for an unusable QR code. */
export function renderPhoneMessage(title: string, tip: string, lang: PageLang): string {
  return page(
    title,
    'page-phone',
    html`<div class="card">
      <h2 id="result">${title}</h2>
      <p>${tip}</p>
    </div>`,
    lang,
  );
}

/** The OA authorize page shown inside WeChat: pick the persona, then allow. */
export function renderOaConsentPage(model: {
  appName: string;
  scope: string;
  hidden: Readonly<Record<string, string>>;
  users: readonly WechatUser[];
  lang: PageLang;
}): string {
  const t = WECHAT_TEXT[model.lang];
  const base = model.scope === 'snsapi_base';
  const content = html`<div class="card">
    <h2>${t.oaTitle}</h2>
    <p>${base ? t.oaBaseTip : t.oaAsk(model.appName)}</p>
    ${base ? '' : html`<p>${t.oaGrant}</p>`}
    <form method="post" action="/connect/oauth2/authorize">
      ${Object.entries(model.hidden).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`)}
      ${personaChoices(model.users, null)}
      <button class="btn btn-primary" type="submit" name="action" value="allow" id="allow">
        ${t.allow}
      </button>
    </form>
  </div>`;
  return page(t.oaTitle, 'page-phone', content, model.lang);
}

/** A WeChat error page (website QR flow, or in-app with an error number). */
export function renderErrorPage(message: string, code: number | undefined, lang: PageLang): string {
  const t = WECHAT_TEXT[lang];
  const content = html`<div class="error">
    <i class="weui-icon"></i>
    <h3 class="weui-msg__title">${message}</h3>
    ${code === undefined ? '' : html`<p class="weui-msg__desc">${code}</p>`}
  </div>`;
  return page(t.errorTitle, 'page-error', content, lang);
}
