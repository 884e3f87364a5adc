// A small shop to start a purchase: demo products, quantities, buy → `pay` → the cashier.
import type { DeliveryAddress, Fen } from '../../../typings/api';
import { addressFromPicker, addressText } from '../../domain/shipping';
import { chooseAddress } from '../../utils/device';
import { errorText } from '../../domain/errors';
import { PAYMENT_TEXT } from '../../domain/labels';
import { buy, fetchProducts, newIdempotencyKey } from '../../services/shop';
import { fetchMe } from '../../services/session';
import { toast, toastFailure } from '../../utils/feedback';
import { instanceState } from '../../utils/instance-state';
import { formatFen } from '../../utils/money';
import { navigate, ROUTES, withQuery } from '../../utils/routes';
import { EMPTY, failed, LOADING, READY, type LoadState } from '../../view-models/load-state';

const MAX_QUANTITY = 99;

interface ProductVM {
  productId: string;
  name: string;
  description: string;
  priceText: string;
  quantity: number;
}

interface ShopPrivate {
  prices: Record<string, Fen>;
  /** Kept until an order exists, so a retry after a lost answer returns that order instead of a second one. */
  idempotencyKey: string;
  buying: boolean;
  /** Where the goods go, from wx.chooseAddress; asked for at the first purchase. */
  address?: DeliveryAddress;
}

const priv = instanceState<ShopPrivate>(() => ({ prices: {}, idempotencyKey: '', buying: false }));
const ADDRESS_NEEDED_TEXT = '请选择收货地址';

Component({
  data: {
    state: LOADING as LoadState,
    products: [] as ProductVM[],
    totalText: formatFen(0),
    canBuy: false,
    buying: false,
    isMerchant: false,
    address: null as { who: string; where: string } | null,
  },
  methods: {
    onLoad() {
      void this.load();
    },

    onRetry() {
      this.setData({ state: LOADING });
      void this.load();
    },

    async load() {
      const [products, me] = await Promise.all([fetchProducts(), fetchMe()]);
      if (!products.ok) {
        this.setData({ state: failed(products.code, errorText(products.code)) });
        return;
      }
      const s = priv(this);
      s.prices = {};
      products.data.forEach((p) => {
        s.prices[p.productId] = p.price;
      });
      this.setData({
        state: products.data.length ? READY : EMPTY,
        products: products.data.map((p) => ({
          productId: p.productId,
          name: p.name,
          description: p.description ?? '',
          priceText: formatFen(p.price),
          quantity: 0,
        })),
        isMerchant: me.ok && me.data.isMerchant,
      });
    },

    changeQuantity(index: number, delta: number) {
      const product = this.data.products[index];
      if (!product) return;
      const quantity = Math.min(MAX_QUANTITY, Math.max(0, product.quantity + delta));
      if (quantity === product.quantity) return;
      const prices = priv(this).prices;
      const total = this.data.products.reduce(
        (sum, p, i) => sum + (prices[p.productId] ?? 0) * (i === index ? quantity : p.quantity),
        0,
      );
      priv(this).idempotencyKey = '';
      this.setData({ [`products[${index}].quantity`]: quantity, totalText: formatFen(total), canBuy: total > 0 });
    },

    onPlus(e: WechatMiniprogram.BaseEvent) {
      this.changeQuantity(Number(e.currentTarget.dataset.index), 1);
    },

    onMinus(e: WechatMiniprogram.BaseEvent) {
      this.changeQuantity(Number(e.currentTarget.dataset.index), -1);
    },

    /** Asks WeChat's address picker; false when the person cancelled or picked an incomplete address. */
    async pickAddress(): Promise<boolean> {
      const picked = await chooseAddress();
      const address = picked ? addressFromPicker(picked) : undefined;
      if (!address) return false;
      priv(this).address = address;
      this.setData({ address: addressText(address) });
      return true;
    },

    async onChooseAddress() {
      await this.pickAddress();
    },

    async onBuy() {
      const s = priv(this);
      if (s.buying || !this.data.canBuy) return;
      if (!s.address && !(await this.pickAddress())) {
        toast(ADDRESS_NEEDED_TEXT);
        return;
      }
      const items = this.data.products.filter((p) => p.quantity > 0).map((p) => ({ productId: p.productId, quantity: p.quantity }));
      if (!s.idempotencyKey) s.idempotencyKey = newIdempotencyKey();
      s.buying = true;
      this.setData({ buying: true });
      const res = await buy(items, s.idempotencyKey, s.address);
      s.buying = false;
      if (!res.ok) {
        this.setData({ buying: false });
        toastFailure(res);
        return;
      }
      s.idempotencyKey = '';
      const reset: Record<string, unknown> = { buying: false, totalText: formatFen(0), canBuy: false };
      this.data.products.forEach((p, i) => {
        if (p.quantity) reset[`products[${i}].quantity`] = 0;
      });
      this.setData(reset);
      // The detail page shows whether WeChat's confirmation has arrived; here only what the cashier said.
      const outcome = res.data.payment;
      if (outcome.kind === 'paid') toast(PAYMENT_TEXT.confirmed, 'success');
      else if (outcome.kind === 'cancelled') toast('订单已保留，可稍后付款');
      else toast('支付没有完成，可在订单中重新付款');
      navigate(withQuery(ROUTES.orderDetail, { orderId: res.data.orderId }));
    },

    onOrders() {
      navigate(ROUTES.orderList);
    },

    onMerchant() {
      navigate(ROUTES.refundQueue);
    },

    onDesk() {
      navigate(ROUTES.desk);
    },
  },
});
