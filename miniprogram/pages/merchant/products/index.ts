// The merchant's catalogue: every product (on sale or not) with its thumbnail, 下架 / 售罄, and each SKU's stock,
// held and sold counts; add or edit a product, take it off the shelf or put it back, adjust a SKU's stock, and
// renew the low-stock message. Merchants only: the page checks, the server refuses anyone else.
import type { MeData } from '../../../../typings/api';
import { errorText } from '../../../domain/errors';
import { fetchCatalogue, setOnShelf } from '../../../services/catalogue';
import { askLowStockSubscription } from '../../../services/subscriptions';
import { confirmDialog, toast, toastFailure } from '../../../utils/feedback';
import { instanceState } from '../../../utils/instance-state';
import { checkMerchant } from '../../../utils/merchant-gate';
import { navigate, ROUTES, withQuery } from '../../../utils/routes';
import { adminProduct, type AdminProductVM } from '../../../view-models/catalogue-admin';
import { EMPTY, failed, LOADING, READY, type LoadState } from '../../../view-models/load-state';

const priv = instanceState<{ templates: MeData['templates']; busy: boolean }>(() => ({ templates: {}, busy: false }));

Component({
  data: {
    state: LOADING as LoadState,
    products: [] as AdminProductVM[],
    canSubscribe: false,
  },
  methods: {
    onLoad() {
      void this.load();
    },
    onShow() {
      // Back from the editor or the stock page: show what was saved.
      if (this.data.state.kind === 'ready' || this.data.state.kind === 'empty') void this.load();
    },
    onPullDownRefresh() {
      void this.load().then(() => wx.stopPullDownRefresh());
    },
    onRetry() {
      this.setData({ state: LOADING });
      void this.load();
    },

    async load() {
      const gate = await checkMerchant('仅商家可以管理商品');
      if (!gate.ok) return this.setData({ state: gate.state });
      priv(this).templates = gate.me.templates;
      const list = await fetchCatalogue();
      if (!list.ok) return this.setData({ state: failed(list.code, errorText(list.code)) });
      this.setData({ products: list.data.map(adminProduct), state: list.data.length ? READY : EMPTY, canSubscribe: Boolean(gate.me.templates.lowStock) });
    },

    onAdd() {
      navigate(ROUTES.productEdit);
    },

    onEdit(e: WechatMiniprogram.BaseEvent) {
      navigate(withQuery(ROUTES.productEdit, { productId: String(e.currentTarget.dataset.productId ?? '') }));
    },

    onAdjust(e: WechatMiniprogram.BaseEvent) {
      const { productId, skuId } = e.currentTarget.dataset as { productId?: string; skuId?: string };
      navigate(withQuery(ROUTES.stockAdjust, { productId: String(productId ?? ''), skuId: String(skuId ?? '') }));
    },

    async onToggleShelf(e: WechatMiniprogram.BaseEvent) {
      const productId = String(e.currentTarget.dataset.productId ?? '');
      const product = this.data.products.find((p) => p.productId === productId);
      const s = priv(this);
      if (!product || s.busy) return;
      const active = !product.active;
      if (!active && !(await confirmDialog('下架商品', `「${product.name}」下架后买家看不到、也不能下单；已下的订单不受影响。`, '下架'))) return;
      s.busy = true;
      const done = await setOnShelf(productId, active);
      s.busy = false;
      if (!done.ok) return toastFailure(done);
      toast(active ? '已上架' : '已下架', 'success');
      await this.load();
    },

    async onSubscribe() {
      const outcome = await askLowStockSubscription(priv(this).templates);
      toast(outcome.accepted.length ? '库存不足时会通知你一次' : '未开启库存提醒');
    },
  },
});
