/**
 * The desktop QR login page of open.weixin.qq.com. Its inline script follows the real page's
 * long-poll logic: load `/connect/l/qrconnect` as a script, read `window.wx_errcode`, and on 405
 * build the callback URL on the client side.
 */
import { html, scriptValue } from '../../../core/html.js';
import { page } from './layout.js';
import { WECHAT_TEXT, type PageLang } from './i18n.js';

/** What the QR page needs to render. */
export interface QrConnectPageModel {
  readonly uuid: string;
  readonly appName: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly selfRedirect: string;
  readonly lang: PageLang;
  /** Base of the long-poll host; empty for the same origin. */
  readonly pollBase: string;
  /** This page's URL with the other language, for the toggle. */
  readonly otherLangHref: string;
}

/** Renders the QR page. */
export function renderQrConnectPage(model: QrConnectPageModel): string {
  const t = WECHAT_TEXT[model.lang];
  const config = {
    uuid: model.uuid,
    redirectUri: model.redirectUri,
    state: model.state,
    selfRedirect: model.selfRedirect,
    pollBase: model.pollBase,
  };
  const content = html`<div class="main impowerBox">
      <div class="title">${t.title}</div>
      <div class="wrp_code">
        <img
          class="qrcode lightBorder web_qrcode_img js_qrcode_img"
          alt="QR code"
          src="/connect/qrcode/${model.uuid}"
        />
      </div>
      <div class="info">
        <div class="status status_browser js_status js_wx_default_tip" id="wx_default_tip">
          <p>${t.scanTip}</p>
          <p>${t.appLine(model.appName)}</p>
        </div>
        <div
          class="status status_succ js_status js_wx_after_scan"
          id="wx_after_scan"
          style="display:none"
        >
          <i class="status_icon"></i>
          <div class="status_txt">
            <h4>${t.afterScanTitle}</h4>
            <p>${t.afterScanTip}</p>
          </div>
        </div>
        <div
          class="status status_fail js_status js_wx_after_cancel"
          id="wx_after_cancel"
          style="display:none"
        >
          <i class="status_icon"></i>
          <div class="status_txt">
            <h4>${t.afterCancelTitle}</h4>
            <p>${t.afterCancelTip}</p>
          </div>
        </div>
        <div class="status status_fail js_status" id="wx_expired" style="display:none">
          <div class="status_txt">
            <h4>${t.expiredTitle}</h4>
            <p>${t.expiredTip}</p>
          </div>
        </div>
      </div>
      <div class="lang"><a id="switch_lang" href="${model.otherLangHref}">${t.switchLang}</a></div>
    </div>
    <script>
      (function () {
        var cfg = ${scriptValue(config)};
        function show(id) {
          ['wx_default_tip', 'wx_after_scan', 'wx_after_cancel', 'wx_expired'].forEach(
            function (x) {
              document.getElementById(x).style.display = x === id ? '' : 'none';
            },
          );
        }
        function go(code) {
          var h = cfg.redirectUri;
          h += (h.indexOf('?') > -1 ? '&' : '?') + 'code=' + code + '&state=' + cfg.state;
          if (cfg.selfRedirect === 'true') {
            window.location.href = h;
            return;
          }
          try {
            if (cfg.selfRedirect === 'default' && top.location.host) {
              top.location.href = h;
              return;
            }
          } catch (e) {}
          if (top !== window) {
            top.location.href = h;
          } else {
            window.location.href = h;
          }
        }
        function poll(last) {
          var s = document.createElement('script');
          s.src =
            cfg.pollBase +
            '/connect/l/qrconnect?uuid=' +
            encodeURIComponent(cfg.uuid) +
            (last ? '&last=' + last : '') +
            '&_=' +
            Date.now();
          s.onload = function () {
            s.parentNode && s.parentNode.removeChild(s);
            var code = window.wx_errcode;
            switch (code) {
              case 405:
                go(window.wx_code);
                break;
              case 404:
                show('wx_after_scan');
                setTimeout(function () {
                  poll(404);
                }, 100);
                break;
              case 403:
                show('wx_after_cancel');
                setTimeout(function () {
                  poll(403);
                }, 2000);
                break;
              case 402:
              case 500:
                show('wx_expired');
                window.location.reload();
                break;
              default:
                setTimeout(function () {
                  poll();
                }, 2000);
            }
          };
          s.onerror = function () {
            s.parentNode && s.parentNode.removeChild(s);
            setTimeout(function () {
              poll(last === 408 ? undefined : last);
            }, 5000);
          };
          document.body.appendChild(s);
        }
        setTimeout(function () {
          poll();
        }, 100);
      })();
    </script>`;
  return page(t.title, 'page-desktop', content, model.lang);
}

/** The `f=xml` variant: the uuid in a CDATA section. */
export function renderQrConnectXml(uuid: string): string {
  return `<xml><uuid><![CDATA[${uuid}]]></uuid><ret>0</ret></xml>`;
}
