/** The shared page frame of the QQ pages: QQ's blue, a centred card, no external assets. */
import { html, raw, type SafeHtml } from '../../../core/html.js';
import type { PageLang } from './i18n.js';

const STYLE = `
*{box-sizing:border-box}body{margin:0;font-family:"PingFang SC","Microsoft YaHei",Helvetica,Arial,sans-serif;background:#f4f6f9;color:#333}
.display-pc .card{max-width:520px;margin:64px auto}
.display-mobile .card{max-width:none;margin:0;border-radius:0;min-height:100vh}
.card{background:#fff;border-radius:6px;padding:28px;box-shadow:0 1px 4px rgba(0,0,0,.08)}
.card h1{font-size:20px;margin:0 0 16px;color:#12b7f5}
.card p{font-size:14px;color:#555}.card ul{padding-left:20px;font-size:14px;color:#555}
.persona{display:flex;align-items:center;gap:10px;padding:10px;border:1px solid #e5e5e5;border-radius:4px;margin:6px 0;cursor:pointer}
.persona small{color:#999}
.btn{display:block;width:100%;border:0;border-radius:4px;padding:12px;font-size:16px;margin-top:16px;cursor:pointer;background:#12b7f5;color:#fff}
.agreement{font-size:12px;color:#999}.lang{margin-top:16px;font-size:12px}.lang a{color:#999}
.error-msg{font-size:16px;color:#333;word-break:break-all}
`;

/** Wraps page content in the common document. */
export function page(
  title: string,
  display: 'pc' | 'mobile',
  content: SafeHtml,
  lang: PageLang,
): string {
  return html`<!DOCTYPE html>
    <html lang="${lang === 'en' ? 'en' : 'zh-CN'}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>${title}</title>
        <style>
          ${raw(STYLE)}
        </style>
      </head>
      <body class="display-${display}">
        ${content}
      </body>
    </html> `.value;
}
