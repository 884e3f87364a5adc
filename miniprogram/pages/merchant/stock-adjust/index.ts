// Adjusting one SKU's stock: 入库, 出库 or 盘点, with a reason the server records. Stock held by unpaid orders is
// shown and never touched. A count refused because an order moved the stock meanwhile reads the SKU again.
import type { MerchantSku } from '../../../../typings/api';
import { errorText } from '../../../domain/errors';
import { ADJUST_MODES, adjustRequest, type AdjustMode } from '../../../domain/stock-adjust';
import { adjustStock, fetchCatalogueProduct } from '../../../services/catalogue';
import { toast } from '../../../utils/feedback';
import { instanceState } from '../../../utils/instance-state';
import { checkMerchant } from '../../../utils/merchant-gate';
import { queryValue } from '../../../utils/routes';
import { failed, LOADING, READY, type LoadState } from '../../../view-models/load-state';

const priv = instanceState<{ productId: string; skuId: string; busy: boolean }>(() => ({ productId: '', skuId: '', busy: false }));

export const MOVED_TEXT = '库存刚有变动（有订单下单或关闭），已重新读取，请核对后再提交';

Component({
  data: {
    state: LOADING as LoadState,
    title: '',
    shelf: 0,
    held: 0,
    sold: 0,
    modes: ADJUST_MODES,
    mode: 'IN' as AdjustMode,
    placeholder: ADJUST_MODES[0].placeholder,
    reasonPlaceholder: ADJUST_MODES[0].reason,
    quantity: '',
    reason: '',
    error: '',
    saving: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const s = priv(this);
      s.productId = queryValue(query, 'productId');
      s.skuId = queryValue(query, 'skuId');
      void this.load();
    },
    onRetry() {
      this.setData({ state: LOADING });
      void this.load();
    },

    async load() {
      const s = priv(this);
      const gate = await checkMerchant('仅商家可以调整库存');
      if (!gate.ok) return this.setData({ state: gate.state });
      const found = await fetchCatalogueProduct(s.productId);
      if (!found.ok) return this.setData({ state: failed(found.code, errorText(found.code)) });
      const sku: MerchantSku | undefined = found.data?.skus.find((k) => k.skuId === s.skuId);
      if (!found.data || !sku) return this.setData({ state: failed('NOT_FOUND', '没有这个商品规格') });
      if (sku.stock === null) return this.setData({ state: failed('CONFLICT', '这个商品还没有库存数：先在编辑页填写库存') });
      this.setData({ state: READY, title: sku.spec ? `${found.data.name} ${sku.spec}` : found.data.name, shelf: sku.stock, held: sku.held, sold: sku.sold });
    },

    onModeTap(e: WechatMiniprogram.BaseEvent) {
      const mode = String(e.currentTarget.dataset.key) as AdjustMode;
      const m = ADJUST_MODES.find((x) => x.key === mode) ?? ADJUST_MODES[0];
      this.setData({ mode: m.key, placeholder: m.placeholder, reasonPlaceholder: m.reason, error: '' });
    },
    onQuantityInput(e: WechatMiniprogram.Input) {
      this.setData({ quantity: e.detail.value, error: '' });
    },
    onReasonInput(e: WechatMiniprogram.Input) {
      this.setData({ reason: e.detail.value, error: '' });
    },

    async onSubmit() {
      const s = priv(this);
      if (s.busy) return;
      const check = adjustRequest(this.data.mode, this.data.quantity, this.data.reason, this.data.shelf);
      if (!check.ok) return this.setData({ error: check.error });
      s.busy = true;
      this.setData({ saving: true });
      const done = await adjustStock({ productId: s.productId, skuId: s.skuId, ...check.request });
      s.busy = false;
      this.setData({ saving: false });
      if (!done.ok) {
        if (done.code !== 'CONFLICT') return this.setData({ error: errorText(done.code) });
        await this.load();
        return this.setData({ error: MOVED_TEXT });
      }
      this.setData({ shelf: done.data.stock, quantity: '', reason: '' });
      toast(`库存现为 ${done.data.stock}`, 'success');
      wx.navigateBack({});
    },
  },
});
