// A small shop to start a purchase: products with their photo, a spec picker and stock (售罄 cannot be bought),
// quantities, buy → `pay` → the cashier.
import type { DeliveryAddress, Product } from '../../../typings/api';
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
import { chosenSku, initialChoice, productCard, type ProductCardVM } from '../../view-models/catalogue';
import { EMPTY, failed, LOADING, READY, type LoadState } from '../../view-models/load-state';

const MAX_QUANTITY = 99;

type ProductVM = ProductCardVM & { quantity: number };

interface ShopPrivate {
  products: Product[];
  /** Per product (by index): the spec values chosen. */
  choices: Array<Record<string, string>>;
  /** Kept until an order exists, so a retry after a lost answer returns that order instead of a second one. */
  idempotencyKey: string;
  buying: boolean;
  /** Where the goods go, from wx.chooseAddress; asked for at the first purchase. */
  address?: DeliveryAddress;
}

const priv = instanceState<ShopPrivate>(() => ({ products: [], choices: [], idempotencyKey: '', buying: false }));
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
      s.products = products.data;
      s.choices = products.data.map(initialChoice);
      this.setData({
        state: products.data.length ? READY : EMPTY,
        products: products.data.map((p, i) => ({ ...productCard(p, s.choices[i], MAX_QUANTITY), quantity: 0 })),
        isMerchant: me.ok && me.data.isMerchant,
        totalText: formatFen(0),
        canBuy: false,
      });
    },

    /** The total with one product's quantity replaced: each line at its chosen SKU's price. */
    totalWith(index: number, quantity: number): number {
      const s = priv(this);
      return this.data.products.reduce((sum, p, i) => {
        const sku = s.products[i] && chosenSku(s.products[i], s.choices[i]);
        return sum + (sku?.price ?? 0) * (i === index ? quantity : p.quantity);
      }, 0);
    },

    changeQuantity(index: number, delta: number) {
      const product = this.data.products[index];
      if (!product) return;
      const quantity = Math.min(product.max, Math.max(0, product.quantity + delta));
      if (quantity === product.quantity) return;
      const total = this.totalWith(index, quantity);
      priv(this).idempotencyKey = '';
      this.setData({ [`products[${index}].quantity`]: quantity, totalText: formatFen(total), canBuy: total > 0 });
    },

    onSpec(e: WechatMiniprogram.BaseEvent) {
      const { index, spec, value } = e.currentTarget.dataset as { index: number; spec: string; value: string };
      const s = priv(this);
      const product = s.products[Number(index)];
      if (!product) return;
      s.choices[Number(index)] = { ...s.choices[Number(index)], [spec]: value };
      const card = productCard(product, s.choices[Number(index)], MAX_QUANTITY);
      const quantity = Math.min(card.max, this.data.products[Number(index)].quantity);
      s.idempotencyKey = '';
      const total = this.totalWith(Number(index), quantity);
      this.setData({ [`products[${index}]`]: { ...card, quantity }, totalText: formatFen(total), canBuy: total > 0 });
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
      const several = new Set(s.products.filter((p) => p.skus.length > 1).map((p) => p.productId));
      const items = this.data.products
        .filter((p) => p.quantity > 0 && p.skuId)
        .map((p) => ({ productId: p.productId, quantity: p.quantity, ...(several.has(p.productId) ? { skuId: p.skuId } : {}) }));
      if (!s.idempotencyKey) s.idempotencyKey = newIdempotencyKey();
      s.buying = true;
      this.setData({ buying: true });
      const res = await buy(items, s.idempotencyKey, s.address);
      s.buying = false;
      if (!res.ok) {
        this.setData({ buying: false });
        toastFailure(res);
        // Someone bought the last ones first: show what is left now.
        if (res.code === 'OUT_OF_STOCK') void this.load();
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
