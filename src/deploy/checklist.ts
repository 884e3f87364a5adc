// What no API can do, printed at the end of a deploy: at most five steps for a shop with one payment channel and
// every option, one more while a shop keeps a former channel configured (each channel's merchant is set up).
// docs/deploy.md's manual part is this list.
import type { Declarations } from './declarations';
import { configuredChannels } from '../domain/channels';

/** `localCloud`: the URL of a bare local cloud, whose stand-in for the DevTools upload is one POST. */
export function manualChecklist(decl: Declarations, envLabel: string, localCloud?: string): string[] {
  const s = decl.shop.parsed;
  const steps: string[] = [];
  const openapi = [...new Set(decl.functions.flatMap((f) => f.openapi))].sort();
  const upload = localCloud
    ? `the local cloud's stand-in for it: curl -X POST ${localCloud}/control-plane/devtools-upload`
    : `right-click → 上传并部署：所有文件, environment ${envLabel}`;
  steps.push(
    `WeChat DevTools: upload each folder of cloudfunctions/ once (${upload}). ` +
      `Only that grants the cloud-call permissions in their config.json (${openapi.join(', ')}); without it those calls fail with -604101. Redo it when a config.json's permissions change.`,
  );
  const local = Object.values(s.templates).some((t) => t?.templateId.startsWith('LOCAL_TMPL_'));
  steps.push(
    `Mini-program admin → 订阅消息: add the templates (orderPaid, refundRequested, refundResult${s.shipping.managed ? ', orderShipped' : ''}) and put their ids and field keys in the shop file's settings.templates${local ? ' (the LOCAL_TMPL_ ids exist only in the local cloud)' : ''}, then deploy again.`,
  );
  if (s.shipping.managed) {
    steps.push(
      'Mini-program admin: open 发货信息管理 and set the message jump path; in 开发设置 → 消息推送 set the URL to your HTTP access domain + /wxPush, format JSON, and the Token (and EncodingAESKey) you put in .env.local as WECHAT_PUSH_TOKEN (WECHAT_PUSH_AES_KEY) (docs/shipping.md).',
    );
  }
  // A shop moving between channels has each one's merchant to set up: the binding and keys name that channel's own.
  const merchantOf = (provider: string): string[] => configuredChannels(s).filter((c) => c.provider === provider).map((c) => c.merchantId);
  const cloudPay = merchantOf('cloudpay');
  if (cloudPay.length > 0) steps.push('云开发控制台 → 设置 → 其他设置 → 微信支付配置: bind merchant ' + cloudPay.join(', ') + ' and let it authorise JSAPI payment and refunds.');
  const direct = [...merchantOf('v2'), ...merchantOf('v3')];
  if (direct.length > 0) {
    const keys = [merchantOf('v2').length > 0 ? 'the APIv2 key and API certificate (WECHATPAY_V2_KEY, WECHATPAY_MERCHANT_CERT/KEY)' : '', merchantOf('v3').length > 0 ? 'the APIv3 key, API certificate key and serial, WeChat Pay public key and id (WECHATPAY_V3_KEY, WECHATPAY_MERCHANT_KEY/SERIAL, WECHATPAY_PUBLIC_KEY/_ID)' : '']
      .filter(Boolean)
      .join('; ');
    steps.push(`Merchant platform (pay.weixin.qq.com): link appid ${s.appid ?? '(appid)'} to merchant ${[...new Set(direct)].join(', ')}; get ${keys} into .env.local, then deploy again.`);
  }
  if (s.printer) steps.push(`Feie console: add printer ${s.printer.sn} to your account (FEIE_USER/FEIE_UKEY in .env.local).`);
  return steps.map((text, i) => `  ${i + 1}. ${text}`);
}
