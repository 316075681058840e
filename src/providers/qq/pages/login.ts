/**
 * The QQ login page (`/oauth2.0/authorize`, `/oauth2.0/show?which=Login`): the tester picks which
 * persona is logging in and consents; the form posts back to the same path. And the error page,
 * which reads `<message> (<code>)` like the real one.
 */
import { html } from '../../../core/html.js';
import type { QqUser } from '../world.js';
import { QQ_TEXT, scopeText, type PageLang } from './i18n.js';
import { page } from './layout.js';

/** What the login page needs to render. */
export interface LoginPageModel {
  readonly appName: string;
  /** Normalised, comma-separated scopes. */
  readonly scope: string;
  /** The path the form posts to (the path the page was opened on). */
  readonly action: string;
  /** The request's parameters, posted back unchanged. */
  readonly hidden: Readonly<Record<string, string>>;
  readonly users: readonly QqUser[];
  readonly display: 'pc' | 'mobile';
  readonly lang: PageLang;
  /** This page's URL with the other language, for the toggle. */
  readonly otherLangHref: string;
}

/** Renders the login and consent page. */
export function renderLoginPage(model: LoginPageModel): string {
  const t = QQ_TEXT[model.lang];
  const content = html`<div class="card" id="login">
    <h1>${t.title}</h1>
    <p>${t.appAsks(model.appName)}</p>
    <ul>
      ${model.scope.split(',').map((scope) => html`<li>${scopeText(model.lang, scope)}</li>`)}
    </ul>
    <form method="post" action="${model.action}">
      ${Object.entries(model.hidden).map(
        ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
      )}
      <p><b>${t.pickPersona}</b></p>
      ${model.users.length === 0 ? html`<p>${t.noUsers}</p>` : ''}
      ${model.users.map(
        (user, index) =>
          html`<label class="persona">
            <input
              type="radio"
              name="user"
              value="${user.persona.id}"
              ${index === 0 ? html` checked` : ''}
            />
            <span>${user.persona.nickname} <small>${user.persona.id}</small></span>
          </label>`,
      )}
      <button class="btn" type="submit" id="agree">${t.agree}</button>
      <p class="agreement">${t.agreement}</p>
    </form>
    <div class="lang"><a id="switch_lang" href="${model.otherLangHref}">${t.switchLang}</a></div>
  </div>`;
  return page(t.title, model.display, content, model.lang);
}

/** Renders an error page around its `<message> (<code>)` text. */
export function renderErrorPage(text: string, lang: PageLang): string {
  const t = QQ_TEXT[lang];
  const content = html`<div class="card" id="error">
    <h1>${t.errorTitle}</h1>
    <p>${t.errorLead}</p>
    <p class="error-msg" id="error_msg">${text}</p>
  </div>`;
  return page(t.errorTitle, 'pc', content, lang);
}
