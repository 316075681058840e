/** The dashboard's stylesheet: system fonts, no external assets, WeChat green and QQ blue. */
export const DASHBOARD_STYLE = `
:root{--green:#07c160;--green-ink:#06994d;--qq:#0b8fc4;--ink:#1f2329;--muted:#8a919f;--line:#e5e6eb;--soft:#f2f3f5;--bg:#f5f6f7;--amber:#c27c0e;--red:#d83931}
*{box-sizing:border-box}
html,body{margin:0}
body{font:13px/1.5 -apple-system,BlinkMacSystemFont,"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei","Noto Sans CJK SC",system-ui,sans-serif;color:var(--ink);background:var(--bg)}
a{color:var(--green-ink);text-decoration:none}a:hover{text-decoration:underline}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono","WenQuanYi Micro Hei Mono",monospace;font-size:12px}
.muted{color:var(--muted)}.small{font-size:12px}.num{text-align:right;font-variant-numeric:tabular-nums}
.top{position:sticky;top:0;z-index:2;display:flex;align-items:center;justify-content:space-between;gap:16px;padding:12px 24px;background:#fff;border-bottom:1px solid var(--line)}
.brand{display:flex;align-items:baseline;gap:12px}.brand h1{margin:0;font-size:18px;font-weight:600}
.brand h1::before{content:"";display:inline-block;width:10px;height:10px;border-radius:3px;background:var(--green);margin-right:8px;vertical-align:1px}
.top-right{display:flex;align-items:center;gap:18px}
.clock{display:flex;align-items:baseline;gap:8px}.clock .label{color:var(--muted)}.clock b{font-size:13px;font-weight:600}
.live{font-size:12px;color:var(--green-ink)}.live::before{content:"";display:inline-block;width:7px;height:7px;border-radius:50%;background:var(--green);margin-right:6px;vertical-align:1px}
.live.down{color:var(--red)}.live.down::before{background:var(--red)}
main{padding:16px 24px 8px}
.services{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:16px;margin-bottom:16px}
.svc{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:0}
.svc-head{display:flex;align-items:center;gap:8px}.svc-state{margin-left:auto;font-size:12px;color:var(--green-ink)}
.svc .dot{width:8px;height:8px;border-radius:50%;background:var(--green)}
.svc.down{border-color:#f3c5c2;background:#fff8f7}.svc.down .dot{background:var(--red)}.svc.down .svc-state{color:var(--red)}
.svc .reason{color:var(--red);margin-top:2px;overflow-wrap:anywhere}
.svc .mono{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.grid{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:16px}
.span-2{grid-column:1/-1}
@media (max-width:1100px){.grid,.services{grid-template-columns:minmax(0,1fr)}.top{flex-wrap:wrap}}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 16px;min-width:0;overflow-x:auto}
.card h2{margin:0 0 8px;font-size:15px;font-weight:600}.card h2 small,h3 small{margin-left:6px;font-size:12px;font-weight:400;color:var(--muted)}
h3{margin:4px 0 6px;font-size:13px;font-weight:600;color:#4e5969}
table{width:100%;border-collapse:collapse}
th{text-align:left;font-weight:500;font-size:12px;color:var(--muted);padding:6px 8px;border-bottom:1px solid var(--line);white-space:nowrap}
td{padding:6px 8px;border-bottom:1px solid var(--soft);vertical-align:top}
td.mono{white-space:nowrap}
tbody tr:last-child td{border-bottom:0}
tbody tr:hover td{background:#fafbfc}
tr.empty td,tr.more td{color:var(--muted);text-align:center;padding:14px 8px}
tr.more td{padding:4px 8px;font-size:12px;text-align:left}
.who{display:flex;flex-direction:column;line-height:1.35}.who .mono{color:var(--muted);font-size:11px}
.ident{display:flex;align-items:center;gap:6px;white-space:nowrap;line-height:22px}
.badge{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;line-height:19px;background:var(--soft);color:#4e5969;white-space:nowrap}
.badge.wc{background:#e7f8ef;color:var(--green-ink);font-weight:600}.badge.qq{background:#e6f4fb;color:var(--qq);font-weight:600}
.badge.ghost{background:none;border:1px dashed #c9cdd4;color:var(--muted);line-height:17px}
.badge.on{background:#e7f8ef;color:var(--green-ink)}.badge.use{background:#f0f5ff;color:#3370ff;margin-left:4px}
.badge.svc-auth{background:#f3f0ff;color:#6941c6}.badge.svc-wechat{background:#e7f8ef;color:var(--green-ink)}.badge.svc-qq{background:#e6f4fb;color:var(--qq)}
.badge.qr-waiting{background:var(--soft);color:#4e5969}.badge.qr-scanned{background:#fff4e0;color:var(--amber)}
.badge.qr-confirmed,.badge.qr-delivered{background:#e7f8ef;color:var(--green-ink)}.badge.qr-cancelled{background:#fdecea;color:var(--red)}
.badge.qr-expired{background:var(--soft);color:var(--muted);text-decoration:line-through}
.badge.sms-sent{background:#e7f8ef;color:var(--green-ink)}.badge.sms-locked{background:#fdecea;color:var(--red)}
.code{font-size:14px;font-weight:600;letter-spacing:1px}
.left{white-space:nowrap;font-variant-numeric:tabular-nums}.left.soon{color:var(--red)}
.ellipsis{max-width:320px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.status{white-space:nowrap;font-variant-numeric:tabular-nums}
.st-ok{color:var(--green-ink)}.st-redirect{color:#3370ff}.st-warn{color:var(--amber)}.st-bad{color:var(--red)}
.note{margin:8px 0 0;font-size:12px;color:var(--muted)}
.unavailable{margin:6px 0;padding:10px 12px;border-radius:6px;background:#fff8f7;color:var(--red)}
.world{display:grid;gap:12px}
footer{padding:8px 24px 24px;font-size:12px}
`;
