// The product editor: name, photos (uploaded to the merchant's own folder; the functions check each), description,
// on/off shelf, up to three specs with their values (each combination a SKU row with its price in yuan and its
// stock). A stock count is saved only from the count this page showed:
// if an order took or gave some back meanwhile the save is refused, and the page reads the product again.
import type { MeData } from '../../../../typings/api';
import { errorText } from '../../../domain/errors';
import { checkProductForm, MAX_SPECS, newProductForm, PRODUCT_FORM, productForm, rowsForSpecs, type FormErrors, type SpecField } from '../../../domain/product-form';
import { fetchCatalogueProduct, saveProduct } from '../../../services/catalogue';
import { discardBuyerPhoto, uploadProductPhoto } from '../../../services/uploads';
import { toast } from '../../../utils/feedback';
import { instanceState } from '../../../utils/instance-state';
import { checkMerchant } from '../../../utils/merchant-gate';
import { queryValue } from '../../../utils/routes';
import { failed, LOADING, READY, type LoadState } from '../../../view-models/load-state';

interface EditPrivate {
  productId: string;
  saving: boolean;
  /** Photos uploaded here and not saved yet: dropped when removed again. */
  fresh: Set<string>;
  templates: MeData['templates'];
}
const priv = instanceState<EditPrivate>(() => ({ productId: '', saving: false, fresh: new Set(), templates: {} }));

export const CONFLICT_TEXT = '库存刚有变动（有订单下单或关闭），已重新读取，请核对后再保存';

Component({
  data: {
    state: LOADING as LoadState,
    isNew: true,
    form: newProductForm(),
    maxSpecs: MAX_SPECS,
    /** What the photo strip shows: a link (saved photos) or the picked file (new ones), by fileID. */
    photoUrls: {} as Record<string, string>,
    photosMax: PRODUCT_FORM.photosMax,
    uploading: false,
    errors: {} as FormErrors,
    saveError: '',
    saving: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      priv(this).productId = queryValue(query, 'productId');
      void this.load();
    },
    onRetry() {
      this.setData({ state: LOADING });
      void this.load();
    },

    async load() {
      const s = priv(this);
      const gate = await checkMerchant('仅商家可以编辑商品');
      if (!gate.ok) return this.setData({ state: gate.state });
      s.templates = gate.me.templates;
      if (!s.productId) return this.setData({ state: READY, isNew: true });
      const found = await fetchCatalogueProduct(s.productId);
      if (!found.ok) return this.setData({ state: failed(found.code, errorText(found.code)) });
      if (!found.data) return this.setData({ state: failed('NOT_FOUND', '没有这个商品') });
      const form = productForm(found.data);
      const photoUrls = Object.fromEntries((found.data.images ?? []).map((id, i) => [id, found.data!.imageUrls?.[i] ?? '']));
      wx.setNavigationBarTitle({ title: '编辑商品' });
      this.setData({ state: READY, isNew: false, form, photoUrls, errors: {}, saveError: '' });
    },

    onNameInput(e: WechatMiniprogram.Input) {
      this.setData({ 'form.name': e.detail.value, 'errors.name': '' });
    },
    onDescriptionInput(e: WechatMiniprogram.Input) {
      this.setData({ 'form.description': e.detail.value, 'errors.description': '' });
    },
    onActiveChange(e: WechatMiniprogram.SwitchChange) {
      this.setData({ 'form.active': e.detail.value });
    },
    onAddSpec() {
      if (this.data.form.specs.length >= MAX_SPECS) return;
      this.setSpecs([...this.data.form.specs, { name: '', valuesText: '' }]);
    },
    onRemoveSpec(e: WechatMiniprogram.BaseEvent) {
      const index = Number(e.currentTarget.dataset.index);
      this.setSpecs(this.data.form.specs.filter((_, i) => i !== index));
    },
    onSpecNameInput(e: WechatMiniprogram.Input) {
      const index = Number(e.currentTarget.dataset.index);
      this.setSpecs(this.data.form.specs.map((f, i) => (i === index ? { ...f, name: e.detail.value } : f)));
    },
    onSpecValuesInput(e: WechatMiniprogram.Input) {
      const index = Number(e.currentTarget.dataset.index);
      this.setSpecs(this.data.form.specs.map((f, i) => (i === index ? { ...f, valuesText: e.detail.value } : f)));
    },
    /** The specs as typed, and the SKU rows they make (keeping each combination's price and stock). */
    setSpecs(specs: SpecField[]) {
      this.setData({ 'form.specs': specs, 'form.rows': rowsForSpecs(this.data.form, specs), 'errors.spec': '', 'errors.rows': '' });
    },
    onPriceInput(e: WechatMiniprogram.Input) {
      this.setData({ [`form.rows[${Number(e.currentTarget.dataset.index)}].priceText`]: e.detail.value, 'errors.rows': '' });
    },
    onStockInput(e: WechatMiniprogram.Input) {
      this.setData({ [`form.rows[${Number(e.currentTarget.dataset.index)}].stockText`]: e.detail.value, 'errors.rows': '' });
    },

    onAddPhoto() {
      const left = PRODUCT_FORM.photosMax - this.data.form.images.length;
      if (left <= 0 || this.data.uploading) return;
      wx.chooseMedia({
        count: left,
        mediaType: ['image'],
        sizeType: ['compressed'],
        success: (res) => void this.upload(res.tempFiles.map((f) => f.tempFilePath)),
      });
    },

    async upload(paths: string[]) {
      this.setData({ uploading: true, saveError: '', 'errors.photos': '' });
      for (const path of paths) {
        const up = await uploadProductPhoto(path);
        if (!up.ok) {
          this.setData({ 'errors.photos': '有照片没有上传成功，请重试' });
          continue;
        }
        priv(this).fresh.add(up.data.fileID);
        this.setData({ 'form.images': [...this.data.form.images, up.data.fileID], [`photoUrls.${up.data.fileID}`]: path });
      }
      this.setData({ uploading: false });
    },

    onRemovePhoto(e: WechatMiniprogram.BaseEvent) {
      const index = Number(e.currentTarget.dataset.index);
      const removed = this.data.form.images[index];
      this.setData({ 'form.images': this.data.form.images.filter((_, i) => i !== index) });
      // A saved photo stays in storage: orders keep it as their thumbnail.
      if (removed && priv(this).fresh.delete(removed)) void discardBuyerPhoto(removed);
    },

    async onSave() {
      const s = priv(this);
      if (s.saving || this.data.uploading) return;
      const check = checkProductForm(this.data.form);
      if (!check.ok) return this.setData({ errors: check.errors });
      s.saving = true;
      this.setData({ saving: true, saveError: '' });
      const saved = await saveProduct(check.product);
      s.saving = false;
      this.setData({ saving: false });
      if (!saved.ok) {
        if (saved.code === 'CONFLICT' && s.productId) {
          await this.load();
          return this.setData({ saveError: CONFLICT_TEXT });
        }
        // The functions' own words name the photo or field they refused.
        return this.setData({ saveError: saved.code === 'INVALID_ARGUMENT' ? `保存失败：${saved.message}` : errorText(saved.code) });
      }
      s.fresh.clear();
      toast('已保存', 'success');
      wx.navigateBack({});
    },
  },
});
