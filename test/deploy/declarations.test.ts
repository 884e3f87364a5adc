// The deploy's declarations: the real ones load, and hand-made bad ones are refused with every problem named
// before anything could be sent.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DeclarationError, loadDeclarations } from '../../src/deploy/declarations';
import { envRequirements } from '../../src/deploy/functions';
import { manualChecklist } from '../../src/deploy/checklist';
import { checkShopFile } from '../../src/deploy/shop';
import { parseEnvFile } from '../../src/deploy/credentials';

const root = resolve(__dirname, '../..');
const exampleShop = join(root, 'cloudbase/shop.example.json');

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-decl-'));
  cpSync(join(root, 'cloudbase'), join(dir, 'cloudbase'), { recursive: true });
  cpSync(join(root, 'cloudfunctions'), join(dir, 'cloudfunctions'), { recursive: true });
  return dir;
}

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (err) {
    if (err instanceof DeclarationError) return err.problems;
    throw err;
  }
  throw new Error('the declarations were accepted');
}

describe('deploy declarations', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  test('the repository declarations and the example shop load: every built function, every collection, no HTTP paths for cloudPay', () => {
    const d = loadDeclarations({ root, shopFile: exampleShop });
    expect(d.functions.map((f) => f.name).sort()).toEqual(readdirSync(join(root, 'src/functions')).sort());
    expect(Object.keys(d.indexes)).toEqual(expect.arrayContaining(['anomalies', 'idempotency', 'messages', 'orders', 'products', 'refunds', 'settings']));
    const reconcile = d.functions.find((f) => f.name === 'reconcile');
    expect(reconcile).toMatchObject({ timeout: 60, triggers: [{ type: 'timer', config: '0 */5 * * * * *' }] });
    expect(d.functions.find((f) => f.name === 'ship')?.openapi).toEqual(expect.arrayContaining(['wxa.sec.order.uploadShippingInfo']));
    expect(d.httpPaths).toEqual({ wxPush: '/wxPush' });
    expect(d.shop.settings.merchantOpenids).toEqual(['demo-merchant']);
  });

  test('an index with an unknown property, a storage rule the local cloud cannot play, a function without config.json and a price in yuan are all named at once', () => {
    dir = scratch();
    const indexes = JSON.parse(readFileSync(join(dir, 'cloudbase/database-indexes.json'), 'utf8'));
    indexes.orders[0].uniqe = true;
    writeFileSync(join(dir, 'cloudbase/database-indexes.json'), JSON.stringify(indexes));
    writeFileSync(join(dir, 'cloudbase/storage-security-rules.json'), JSON.stringify({ read: 'auth.openid != null && true', write: 'resource.openid == auth.openid' }));
    rmSync(join(dir, 'cloudfunctions/ship/config.json'));
    const shop = JSON.parse(readFileSync(exampleShop, 'utf8'));
    shop.products[0].price = 68.5;
    writeFileSync(join(dir, 'shop.json'), JSON.stringify(shop));

    const problems = problemsOf(() => loadDeclarations({ root: dir, shopFile: join(dir, 'shop.json') }));
    expect(problems).toEqual([
      expect.stringMatching(/database-indexes\.json: orders\[0\]: unknown property uniqe/),
      expect.stringMatching(/storage-security-rules\.json: "read" must be true, false, "auth != null" or "resource\.openid == auth\.openid"/),
      expect.stringMatching(/cloudfunctions\/ship\/config\.json is missing/),
      expect.stringMatching(/products\[0\]\.price must be a whole number of fen .*68\.5 looks like yuan: write 6850/),
    ]);
  });

  test('an index key that names no field of the documents is refused, with the type it was checked against', () => {
    dir = scratch();
    const indexes = JSON.parse(readFileSync(join(dir, 'cloudbase/database-indexes.json'), 'utf8'));
    // A refund's buyer is _openid; a typo one level down; a collection whose documents have no type.
    indexes.refunds[0].keys = { status: 1, buyerOpenid: 1 };
    indexes.orders.push({ name: 'upload_typo', keys: { 'shipping.uplaod.state': 1 } });
    indexes.reviews = [{ name: 'by_product', keys: { productId: 1 } }];
    writeFileSync(join(dir, 'cloudbase/database-indexes.json'), JSON.stringify(indexes));
    const problems = problemsOf(() => loadDeclarations({ root: dir, shopFile: exampleShop }));
    expect(problems).toEqual([
      expect.stringMatching(/orders\.upload_typo: key shipping\.uplaod\.state is not a field of the orders documents \(OrderDoc in src\/domain\/documents\.ts\)/),
      expect.stringMatching(/refunds\.status_created: key buyerOpenid is not a field of the refunds documents \(RefundDoc/),
      expect.stringMatching(/reviews has indexes but no document type: add it to COLLECTION_DOCUMENTS/),
    ]);
  });

  test('a v3 shop without notify URLs, and a shop with no active product, are refused by the functions’ own rules', () => {
    const shop = JSON.parse(readFileSync(exampleShop, 'utf8'));
    shop.settings.provider = 'v3';
    shop.products = shop.products.map((p: Record<string, unknown>) => ({ ...p, active: false }));
    const checked = checkShopFile(shop, 'shop.json');
    expect(checked.ok).toBe(false);
    const problems = checked.ok ? [] : checked.problems;
    expect(problems.join('\n')).toMatch(/appid must be the mini-program's appid .* when an APIv2 or APIv3 channel is configured/);
    expect(problems.join('\n')).toMatch(/payNotifyUrl must be the full https URL/);
    expect(problems.join('\n')).toMatch(/at least one product must be active/);
  });

  test('the env table lists variables per configured channel and printer', () => {
    const v3 = envRequirements({ channels: ['v3'], printer: false, push: false });
    expect(v3.get('applyRefund')).toBeUndefined();
    expect(v3.get('payNotify')?.map((r) => r.anyOf)).toEqual([
      [['WECHATPAY_MERCHANT_KEY', 'WECHATPAY_MERCHANT_SERIAL'], ['WECHATPAY_MERCHANT_KEY', 'WECHATPAY_MERCHANT_CERT']],
      [['WECHATPAY_PUBLIC_KEY', 'WECHATPAY_PUBLIC_KEY_ID'], ['WECHATPAY_PLATFORM_CERTS']],
      [['WECHATPAY_V3_KEY']],
    ]);
    const both = envRequirements({ channels: ['cloudpay', 'v2'], printer: true, push: true });
    expect(both.get('pay')?.map((r) => r.anyOf[0])).toEqual([['WECHATPAY_V2_KEY'], ['FEIE_USER', 'FEIE_UKEY']]);
    expect(both.get('bill')?.map((r) => r.anyOf[0])).toEqual([['WECHATPAY_V2_KEY']]);
    expect(both.get('wxPush')?.map((r) => r.anyOf[0])).toEqual([['WECHAT_PUSH_TOKEN']]);
    expect(envRequirements({ channels: ['cloudpay'], printer: false, push: false }).size).toBe(0);
  });

  test('a shop switching from cloudPay to APIv3 declares both channels: the HTTP paths, variables and manual steps of each', () => {
    dir = scratch();
    const shop = JSON.parse(readFileSync(exampleShop, 'utf8'));
    shop.settings = {
      ...shop.settings,
      provider: 'v3',
      subMchId: '1900000200',
      formerChannels: [{ provider: 'cloudpay', subMchId: shop.settings.subMchId }],
      appid: 'wx0123456789abcdef',
      payNotifyUrl: 'https://shop.example.com/wechatpay/payNotify',
      refundNotifyUrl: 'https://shop.example.com/wechatpay/refundNotify',
    };
    writeFileSync(join(dir, 'shop.json'), JSON.stringify(shop));
    const d = loadDeclarations({ root, shopFile: join(dir, 'shop.json') });
    expect(d.channels).toEqual(['v3', 'cloudpay']);
    expect(d.httpPaths).toMatchObject({ payNotify: '/wechatpay/payNotify', refundNotify: '/wechatpay/refundNotify' });
    const env = envRequirements({ channels: d.channels, printer: false, push: false });
    expect(env.get('refundNotify')?.flatMap((r) => r.anyOf.flat())).toEqual(expect.arrayContaining(['WECHATPAY_V3_KEY']));
    const steps = manualChecklist(d, 'env-test');
    // cloudPay's binding names the merchant that took the old orders, APIv3's the new one; the printer step is kept.
    expect(steps.join('\n')).toMatch(/微信支付配置: bind merchant 1900000109 /);
    expect(steps.join('\n')).toMatch(/link appid wx0123456789abcdef to merchant 1900000200; get the APIv3 key/);
    expect(steps).toHaveLength(d.shop.parsed.printer ? 6 : 5);
  });

  test('.env.local lines: comments, quotes, export', () => {
    expect(parseEnvFile('# c\nexport A=1\nB="x\\ny"\nC=\'q\'\n bad line\n')).toEqual({ A: '1', B: 'x\ny', C: 'q' });
  });
});
