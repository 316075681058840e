/**
 * The dashboard's routes, mock-only and read-only: `GET /__mock/dashboard` (the page, `?lang=en`
 * for English) and `GET /__mock/dashboard.json` (its model; `?fragments=1` adds the page's
 * rendered sections, which is what the page polls).
 */
import { html, json } from '../../core/http.js';
import { route, type Route } from '../../core/router.js';
import type { ProviderClientOptions } from '../clients/provider-http.js';
import type { AuthContext } from '../context.js';
import { dashboardLang } from './i18n.js';
import { buildDashboard } from './model.js';
import { renderDashboardPage, renderSections } from './page.js';
import { createProviderReader } from './providers.js';

const NO_STORE = { 'cache-control': 'no-store' };

/**
 * The dashboard routes of one auth server. `providers` are the options its provider clients use
 * (base URL, admin token, fetch), so the dashboard reaches the providers the same way.
 * @example
 * const routes = [...CONNECT_ROUTES, ...dashboardRoutes({ wechat: wechatOptions, qq: qqOptions })];
 */
export function dashboardRoutes(providers: {
  readonly wechat: ProviderClientOptions;
  readonly qq: ProviderClientOptions;
}): Route<AuthContext>[] {
  const reader = createProviderReader(providers);
  return [
    route<AuthContext>('*', 'GET', '/__mock/dashboard', 'mock.dashboard', async (req, ctx) => {
      const page = renderDashboardPage(
        await buildDashboard(ctx, reader),
        dashboardLang(req.query.get('lang')),
      );
      return html(page.body, 200, {
        ...NO_STORE,
        'content-security-policy': page.csp,
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
      });
    }),
    route<AuthContext>(
      '*',
      'GET',
      '/__mock/dashboard.json',
      'mock.dashboardJson',
      async (req, ctx) => {
        const model = await buildDashboard(ctx, reader);
        if (req.query.get('fragments') !== '1') return json(model, { headers: NO_STORE });
        const fragments = renderSections(model, dashboardLang(req.query.get('lang')));
        return json({ ...model, fragments }, { headers: NO_STORE });
      },
    ),
  ];
}
