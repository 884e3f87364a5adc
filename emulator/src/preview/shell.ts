// The preview's page: a phone-sized frame (status bar, navigation bar with back button and capsule, the page,
// tab bar, overlays) and, beside it, who holds the phone. WeChat's own look for the built-in elements.

export const FRAME_WIDTH = 375;
export const FRAME_HEIGHT = 760;

const STYLE = `
 :root{--rpx:${FRAME_WIDTH / 750}px}
 *{box-sizing:border-box}
 body{margin:0;background:#e9ebef;font:14px/1.4 -apple-system,"PingFang SC","Noto Sans CJK SC","Helvetica Neue",sans-serif;color:#1d2129}
 .bench{display:flex;gap:24px;padding:20px;align-items:flex-start;flex-wrap:wrap}
 .side{width:240px;display:grid;gap:12px}
 /* A window barely wider than the phone (390 px): the frame keeps its 375 px, centred, and the bench gives up its
    padding; the phone never shrinks (its pages are laid out for 375). */
 @media (max-width:440px){.bench{padding:12px 0;justify-content:center}.phone{margin:10px 0;box-shadow:0 0 0 6px #1f2329,0 12px 40px #0005}}
 .side h1{font-size:16px;margin:0} .side p{margin:0;color:#666;font-size:12px}
 .holders{display:grid;gap:6px} .holder{padding:8px 10px;border:1px solid #d0d3d9;background:#fff;border-radius:8px;text-align:left;cursor:pointer;font-size:14px}
 .holder.selected{border-color:#07c160;background:#e8f7ef;color:#078a47;font-weight:600}
 .side a{color:#576b95;font-size:13px}
 .phone{flex:none;width:${FRAME_WIDTH}px;height:${FRAME_HEIGHT}px;background:#fff;border-radius:28px;box-shadow:0 0 0 10px #1f2329,0 12px 40px #0005;overflow:hidden;position:relative;display:flex;flex-direction:column;margin:10px}
 .status-bar{height:24px;display:flex;justify-content:center;align-items:center;font-size:12px;font-weight:600;background:#fff;flex:none}
 .nav-bar{height:44px;display:flex;align-items:center;justify-content:center;position:relative;background:#fff;flex:none;border-bottom:1px solid #0000000d}
 #nav-title{font-size:17px;font-weight:600;max-width:190px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
 #nav-back{position:absolute;left:4px;top:0;height:44px;width:44px;border:0;background:none;font-size:26px;cursor:pointer;color:#000}
 .capsule{position:absolute;right:7px;top:6px;width:87px;height:32px;border:1px solid #0000001f;border-radius:16px;display:flex;align-items:center;justify-content:space-around;font-size:14px;color:#000}
 #pages{flex:1;position:relative;overflow:hidden;background:#f5f5f5}
 .wxpage{position:absolute;inset:0;background:#f5f5f5}
 .wxpage-scroll{position:absolute;inset:0;overflow-y:auto;overflow-x:hidden;scrollbar-width:none;padding-bottom:env(safe-area-inset-bottom)}
 .wxpage-scroll::-webkit-scrollbar{display:none}
 #pull-indicator{position:absolute;top:0;left:0;right:0;text-align:center;font-size:12px;color:#999;padding:6px;z-index:2;background:#f5f5f5}
 #tab-bar{display:flex;border-top:1px solid #0000001a;background:#fff;height:50px;flex:none}
 #tab-bar[hidden]{display:none}
 .wx-tab{flex:1;border:0;background:none;font-size:12px;color:#7a7e83;cursor:pointer} .wx-tab.selected{color:#07c160}
 #overlay{position:absolute;inset:0;pointer-events:none;z-index:10}
 #overlay>*{pointer-events:auto}
 .home-indicator{height:20px;flex:none;background:#fff;display:flex;justify-content:center;align-items:center}
 .home-indicator::after{content:"";width:134px;height:5px;border-radius:3px;background:#000}

 wx-view,wx-page,wx-scroll-view,wx-form,wx-radio-group,wx-checkbox-group{display:block}
 wx-text{display:inline;white-space:pre-wrap}
 .wx-image-preview{position:absolute;inset:0;background:#000;display:flex;align-items:center;justify-content:center;z-index:5} .wx-image-preview img{max-width:100%;max-height:100%}
 .wx-image-preview-count{position:absolute;top:12px;width:100%;text-align:center;color:#fff;font-size:14px} .wx-image-preview-step{position:absolute;top:50%;border:0;background:none;color:#fff;font-size:32px;cursor:pointer} .wx-image-preview-step.prev{left:8px} .wx-image-preview-step.next{right:8px}
 wx-image{display:inline-block;width:320px;height:240px;overflow:hidden;position:relative} .wx-image-img{display:block;width:100%;height:100%}
 wx-input{display:block;height:1.4rem;line-height:1.4rem;min-height:1.4rem;overflow:hidden}
 wx-textarea{display:block;width:300px;height:150px;position:relative}
 .wx-native-control{all:unset;display:block;width:100%;height:100%;font:inherit;color:inherit;text-align:inherit;white-space:pre-wrap;word-break:break-all}
 .wx-native-control::placeholder{color:#b2b2b2}
 [hidden]{display:none!important}

 .wx-mask{position:absolute;inset:0;background:#00000080;display:flex;align-items:center;justify-content:center}
 .wx-mask.bottom{align-items:flex-end}
 .wx-modal{width:300px;background:#fff;border-radius:12px;overflow:hidden;text-align:center}
 .wx-modal-title{font-size:17px;font-weight:600;padding:28px 24px 8px}
 .wx-modal-content{font-size:15px;color:#666;padding:8px 24px 28px;white-space:pre-wrap;word-break:break-word}
 .wx-modal-title+.wx-modal-actions{margin-top:20px}
 .wx-modal-actions{display:flex;border-top:1px solid #0000001a}
 .wx-modal-button{flex:1;height:56px;border:0;background:#fff;font-size:17px;font-weight:600;cursor:pointer}
 .wx-modal-button.cancel{color:#000;border-right:1px solid #0000001a}
 .wx-modal-button.confirm{color:#576b95}
 .wx-toast-layer{position:absolute;inset:0;display:flex;align-items:center;justify-content:center;pointer-events:none}
 .wx-toast-layer.masked{pointer-events:auto}
 .wx-toast{background:#4c4c4c;color:#fff;border-radius:12px;text-align:center;max-width:260px}
 .wx-toast.with-icon{width:136px;min-height:136px;padding:22px 12px 16px}
 .wx-toast.text-only{padding:12px 18px;font-size:15px}
 .wx-toast-icon{font-size:44px;line-height:56px;height:56px}
 .wx-toast-icon.icon-loading::after{content:"";display:inline-block;width:36px;height:36px;border:3px solid #fff4;border-top-color:#fff;border-radius:50%;animation:wxspin 1s linear infinite}
 @keyframes wxspin{to{transform:rotate(360deg)}}
 .wx-toast-title{font-size:15px;margin-top:6px}
 .wx-sheet{width:100%;background:#fff;border-radius:12px 12px 0 0;padding:0 24px 28px}
 .wx-sheet-head{display:grid;grid-template-columns:40px 1fr 40px;align-items:center;min-height:56px}
 .wx-sheet-close{grid-column:1;margin-left:-8px;border:0;background:none;font-size:20px;cursor:pointer;color:#333;width:40px;height:40px}
 .wx-sheet-title{grid-column:2;text-align:center;font-size:16px;font-weight:600}
 .wx-scan-hint{font-size:13px;color:#888;margin-bottom:12px;text-align:center}
 .wx-cashier{text-align:center}
 .wx-cashier-merchant{font-size:15px;color:#333;margin-top:12px}
 .wx-cashier-amount{font-size:40px;font-weight:600;margin:8px 0 4px;font-family:"WeChat Sans","DIN Alternate",-apple-system,sans-serif}
 .wx-cashier-description{font-size:13px;color:#888;margin-bottom:24px}
 .wx-cashier-method{display:flex;justify-content:space-between;font-size:14px;color:#333;padding:14px 0;border-top:1px solid #0000000f;border-bottom:1px solid #0000000f;margin-bottom:28px}
 .wx-cashier-balance{color:#888}
 .wx-cashier-pay{width:184px;height:44px;border:0;border-radius:8px;background:#07c160;color:#fff;font-size:17px;font-weight:600;cursor:pointer}
 .wx-subscribe{padding-top:24px}
 .wx-subscribe-app{font-size:14px;color:#666}
 .wx-subscribe-title{font-size:18px;font-weight:600;margin:12px 0 16px}
 .wx-subscribe-item{font-size:14px;color:#333;padding:10px 0;border-bottom:1px solid #0000000f;word-break:break-all}
 .wx-subscribe-actions{display:flex;justify-content:center;gap:16px;margin-top:24px}
 .wx-subscribe-actions button{width:120px;height:40px;border:0;border-radius:8px;font-size:16px;font-weight:600;cursor:pointer}
 .wx-subscribe-reject{background:#f2f2f2;color:#07c160} .wx-subscribe-accept{background:#07c160;color:#fff}
 .wx-address-card{padding:14px 0;border-top:1px solid #0000000f;border-bottom:1px solid #0000000f;margin-bottom:24px}
 .wx-address-who{font-size:16px;font-weight:600;color:#111} .wx-address-where{font-size:14px;color:#666;margin-top:4px;line-height:1.4}
 .wx-address-use{display:block;margin:0 auto;width:184px;height:44px;border:0;border-radius:8px;background:#07c160;color:#fff;font-size:17px;font-weight:600;cursor:pointer}
 .wx-scan-input{display:block;width:100%;box-sizing:border-box;font-size:16px;padding:10px 12px;border:1px solid #ddd;border-radius:8px;margin-bottom:24px}
 .wx-receipt{text-align:center}
 .wx-options{padding:0;border-radius:12px 12px 0 0;overflow:hidden;background:#f7f7f7}
 .wx-options-title{background:#fff;text-align:center;font-size:13px;color:#888;padding:14px}
 .wx-option{display:block;width:100%;height:56px;border:0;border-top:1px solid #0000000f;background:#fff;font-size:17px;color:#111;cursor:pointer}
 .wx-option.cancel{margin-top:8px;border-top:0}
`;

export function previewShell(env: string): string {
  const escapedEnv = env.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Preview · ${escapedEnv}</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>${STYLE}</style></head>
<body>
<div class="bench">
 <div class="phone" id="phone">
  <div class="status-bar">9:41</div>
  <div class="nav-bar"><button id="nav-back" aria-label="返回">‹</button><div id="nav-title"></div><div class="capsule" aria-hidden="true">••• <span>│</span> ◎</div></div>
  <div id="pages"><div id="pull-indicator" hidden>刷新中…</div></div>
  <div id="tab-bar" hidden></div>
  <div class="home-indicator"></div>
  <div id="overlay"></div>
 </div>
 <div class="side">
  <h1>Mini-program preview</h1>
  <p>The project's own pages, running against this local cloud (env <code>${escapedEnv}</code>). Payments go to the WeChat Pay sandbox; nothing is charged.</p>
  <div><p>Who holds the phone</p><div class="holders" id="holders"></div></div>
  <a href="/" target="_blank">Local cloud UI</a>
 </div>
</div>
<script src="/preview/app.js"></script>
</body></html>`;
}
