/** The shared page frame of the WeChat pages: WeChat's green, a centred card, no external assets. */
import { html, raw, type SafeHtml } from '../../../core/html.js';

const STYLE = `
*{box-sizing:border-box}body{margin:0;font-family:"PingFang SC","Microsoft YaHei",Helvetica,Arial,sans-serif;background:#333;color:#fff;text-align:center}
.page-desktop{background:#333;min-height:100vh;padding-top:56px}
.page-phone{background:#ededed;color:#111;min-height:100vh;padding:24px 16px}
.impowerBox{display:inline-block;width:300px}
.impowerBox .title{font-size:20px;margin-bottom:24px}
.qrcode{box-sizing:content-box;width:280px;height:280px;border:1px solid #e2e2e2;background:#fff;padding:8px}
.lightBorder{border-radius:2px}
.status{margin-top:16px;font-size:13px;color:#ddd;line-height:1.7}
.status_icon{display:inline-block;width:40px;height:40px;border-radius:50%;background:#07c160;margin-bottom:6px;color:#fff;font-style:normal;font-size:24px;line-height:40px}
.status_succ .status_icon::after{content:"\\2713"}.status_fail .status_icon{background:#fa9d3b}.status_fail .status_icon::after{content:"!"}
.status_txt h4{margin:0;font-size:16px;color:#fff}.status_txt p{margin:2px 0 0}
.lang{margin-top:24px;font-size:12px}.lang a{color:#aaa}
.card{background:#fff;border-radius:8px;max-width:420px;margin:0 auto;padding:24px;text-align:left}
.card h2{font-size:18px;margin:0 0 12px}.card p{color:#555;font-size:14px}
.persona{display:flex;align-items:center;gap:10px;padding:10px;border:1px solid #eee;border-radius:6px;margin:6px 0;cursor:pointer}
.persona small{color:#888}
.btn{display:block;width:100%;border:0;border-radius:6px;padding:12px;font-size:16px;margin-top:12px;cursor:pointer}
.btn-primary{background:#07c160;color:#fff}.btn-default{background:#f2f2f2;color:#07c160}
.error{background:#fff;color:#353535;padding:80px 20px;min-height:100vh}
.error .weui-icon{display:inline-block;width:64px;height:64px;border-radius:50%;background:#fa5151;margin-bottom:16px}
.error h3{font-weight:400;font-size:18px}
`;

/** Wraps page content in the common document. */
export function page(
  title: string,
  bodyClass: string,
  content: SafeHtml,
  lang: 'cn' | 'en',
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
      <body class="${bodyClass}">
        ${content}
      </body>
    </html> `.value;
}
