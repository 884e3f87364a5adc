// What WeChat draws around and above a page: status bar, navigation bar, tab bar, toasts, modals, the cashier
// (payment sheet) and the subscribe-message dialog. Plain DOM inside the phone frame; nothing here knows the shop.
import { displayableSrc } from './files';

const $ = <T extends HTMLElement = HTMLElement>(selector: string): T => {
  const el = document.querySelector<T>(selector);
  if (!el) throw new Error(`preview shell lacks ${selector}`);
  return el;
};

function el(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function setNavigationBar(title: string, canGoBack: boolean): void {
  $('#nav-title').textContent = title;
  $('#nav-back').style.visibility = canGoBack ? 'visible' : 'hidden';
}

let toastTimer: ReturnType<typeof setTimeout> | undefined;

/** A toast or loading box in the middle of the screen; `duration` 0 keeps it until hidden. */
export function showToast(title: string, icon: 'success' | 'error' | 'loading' | 'none', duration: number, mask = false): void {
  hideToast();
  const layer = el('div', `wx-toast-layer${mask ? ' masked' : ''}`);
  layer.id = 'wx-toast';
  const box = el('div', `wx-toast ${icon === 'none' ? 'text-only' : 'with-icon'}`);
  box.setAttribute('role', 'status');
  if (icon !== 'none') box.appendChild(el('div', `wx-toast-icon icon-${icon}`, icon === 'success' ? '✓' : icon === 'error' ? '!' : ''));
  box.appendChild(el('div', 'wx-toast-title', title));
  layer.appendChild(box);
  $('#overlay').appendChild(layer);
  if (duration > 0) toastTimer = setTimeout(hideToast, duration);
}

export function hideToast(): void {
  if (toastTimer) clearTimeout(toastTimer);
  toastTimer = undefined;
  document.getElementById('wx-toast')?.remove();
}

export interface ModalOptions {
  title?: string;
  content?: string;
  showCancel?: boolean;
  cancelText?: string;
  confirmText?: string;
  confirmColor?: string;
}

/** WeChat's modal: title, content, and one or two text buttons separated by hairlines. */
export function showModal(options: ModalOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const mask = el('div', 'wx-mask');
    const dialog = el('div', 'wx-modal');
    dialog.setAttribute('role', 'dialog');
    if (options.title) dialog.appendChild(el('div', 'wx-modal-title', options.title));
    if (options.content) dialog.appendChild(el('div', 'wx-modal-content', options.content));
    const actions = el('div', 'wx-modal-actions');
    const close = (answer: boolean) => {
      mask.remove();
      resolve(answer);
    };
    if (options.showCancel !== false) {
      const cancel = el('button', 'wx-modal-button cancel', options.cancelText || '取消');
      cancel.addEventListener('click', () => close(false));
      actions.appendChild(cancel);
    }
    const confirm = el('button', 'wx-modal-button confirm', options.confirmText || '确定');
    if (options.confirmColor) confirm.style.color = options.confirmColor;
    confirm.addEventListener('click', () => close(true));
    actions.appendChild(confirm);
    dialog.appendChild(actions);
    mask.appendChild(dialog);
    $('#overlay').appendChild(mask);
  });
}

/** What a sheet's head shows: ✕ (named `closeLabel`, answering `closeAnswer`) and a title. */
interface SheetHead<T> {
  title: string;
  closeLabel: string;
  closeAnswer: T;
}

/**
 * A bottom sheet as WeChat draws it: a mask, a dialog named `label`, an optional head; `fill` adds the body and
 * wires its buttons to `close`, which removes the sheet and settles the promise with the answer.
 */
function bottomSheet<T>(
  className: string,
  label: string,
  head: SheetHead<T> | undefined,
  fill: (sheet: HTMLElement, close: (answer: T) => void, mask: HTMLElement) => void,
): Promise<T> {
  return new Promise((resolve) => {
    const mask = el('div', 'wx-mask bottom');
    const sheet = el('div', `wx-sheet ${className}`);
    sheet.setAttribute('role', 'dialog');
    sheet.setAttribute('aria-label', label);
    const close = (answer: T) => {
      mask.remove();
      resolve(answer);
    };
    if (head) {
      const top = el('div', 'wx-sheet-head');
      const closeButton = el('button', 'wx-sheet-close', '✕');
      closeButton.setAttribute('aria-label', head.closeLabel);
      closeButton.addEventListener('click', () => close(head.closeAnswer));
      top.appendChild(closeButton);
      top.appendChild(el('div', 'wx-sheet-title', head.title));
      sheet.appendChild(top);
    }
    fill(sheet, close, mask);
    mask.appendChild(sheet);
    $('#overlay').appendChild(mask);
  });
}

/** A button that answers the sheet with `answer`. */
function answerButton<T>(className: string, text: string, close: (answer: T) => void, answer: () => T): HTMLElement {
  const button = el('button', className, text);
  button.addEventListener('click', () => close(answer()));
  return button;
}

export interface CashierView {
  merchant: string;
  description: string;
  amountText: string;
}

/** WeChat's cashier: a bottom sheet with the amount, the payer's balance as the method, and a green 支付 button. */
export function showCashier(view: CashierView): Promise<boolean> {
  return bottomSheet<boolean>('wx-cashier', '微信支付', { title: '微信支付', closeLabel: '关闭', closeAnswer: false }, (sheet, close) => {
    sheet.appendChild(el('div', 'wx-cashier-merchant', view.merchant));
    sheet.appendChild(el('div', 'wx-cashier-amount', view.amountText));
    sheet.appendChild(el('div', 'wx-cashier-description', view.description));
    const method = el('div', 'wx-cashier-method');
    method.appendChild(el('span', '', '付款方式'));
    method.appendChild(el('span', 'wx-cashier-balance', '零钱（本地沙箱，不会扣款）'));
    sheet.appendChild(method);
    sheet.appendChild(answerButton('wx-cashier-pay', '支付', close, () => true));
  });
}

/** The subscribe-message dialog: which messages the mini-program wants to send (by title), 允许 or 取消. */
export function showSubscribeDialog(appName: string, titles: string[]): Promise<boolean> {
  return bottomSheet<boolean>('wx-subscribe', '订阅消息', undefined, (sheet, close) => {
    sheet.appendChild(el('div', 'wx-subscribe-app', appName));
    sheet.appendChild(el('div', 'wx-subscribe-title', '申请向你发送以下消息'));
    const list = el('div', 'wx-subscribe-list');
    for (const title of titles) list.appendChild(el('div', 'wx-subscribe-item', `✓ ${title}`));
    sheet.appendChild(list);
    const actions = el('div', 'wx-subscribe-actions');
    actions.appendChild(answerButton('wx-subscribe-reject', '取消', close, () => false));
    actions.appendChild(answerButton('wx-subscribe-accept', '允许', close, () => true));
    sheet.appendChild(actions);
  });
}

export function renderTabBar(
  items: { pagePath: string; text: string }[],
  current: string,
  onSelect: (pagePath: string) => void,
): void {
  const bar = $('#tab-bar');
  bar.innerHTML = '';
  bar.hidden = items.length === 0 || !items.some((item) => item.pagePath === current);
  for (const item of items) {
    const tab = el('button', `wx-tab${item.pagePath === current ? ' selected' : ''}`, item.text);
    tab.addEventListener('click', () => onSelect(item.pagePath));
    bar.appendChild(tab);
  }
}

export interface AddressView {
  who: string;
  where: string;
}

/** WeChat's address picker, reduced to the one saved address a preview holder has: 使用该地址 or close. */
export function showAddressSheet(address: AddressView): Promise<boolean> {
  return bottomSheet<boolean>('wx-address', '选择收货地址', { title: '选择收货地址', closeLabel: '关闭', closeAnswer: false }, (sheet, close) => {
    const card = el('div', 'wx-address-card');
    card.appendChild(el('div', 'wx-address-who', address.who));
    card.appendChild(el('div', 'wx-address-where', address.where));
    sheet.appendChild(card);
    sheet.appendChild(answerButton('wx-address-use', '使用该地址', close, () => true));
  });
}

/** The scanner, without a camera: the code it would read, editable, then 确定 or 取消. */
export function showScanSheet(suggested: string): Promise<string | undefined> {
  const head = { title: '扫码', closeLabel: '取消', closeAnswer: undefined };
  return bottomSheet<string | undefined>('wx-scan', '扫码', head, (sheet, close) => {
    sheet.appendChild(el('div', 'wx-scan-hint', '预览没有摄像头：输入扫到的内容'));
    const input = document.createElement('input');
    input.className = 'wx-scan-input';
    input.value = suggested;
    sheet.appendChild(input);
    sheet.appendChild(answerButton<string | undefined>('wx-address-use wx-scan-done', '确定', close, () => input.value));
  });
}

/** A list to pick one line from, as WeChat's picker and action sheet show it; undefined when cancelled. */
export function showOptionSheet(options: string[], title?: string): Promise<number | undefined> {
  return bottomSheet<number | undefined>('wx-options', title ?? '选择', undefined, (sheet, close, mask) => {
    if (title) sheet.appendChild(el('div', 'wx-options-title', title));
    options.forEach((label, i) => sheet.appendChild(answerButton<number | undefined>('wx-option', label, close, () => i)));
    sheet.appendChild(answerButton<number | undefined>('wx-option cancel', '取消', close, () => undefined));
    mask.addEventListener('click', (e) => {
      if (e.target === mask) close(undefined);
    });
  });
}

/** WeChat's own 确认收货 window (openBusinessView weappOrderConfirm). */
export function showReceiptConfirm(appName: string): Promise<boolean> {
  return bottomSheet<boolean>('wx-receipt', '确认收货', { title: '确认收货', closeLabel: '关闭', closeAnswer: false }, (sheet, close) => {
    sheet.appendChild(el('div', 'wx-cashier-merchant', appName));
    sheet.appendChild(el('div', 'wx-cashier-description', '请确认已收到商品；确认后货款将结算给商家'));
    sheet.appendChild(answerButton('wx-cashier-pay wx-receipt-confirm', '确认收货', close, () => true));
  });
}

/** wx.previewImage: the picture over a black screen; a tap anywhere closes it, ‹ › step through the list. */
export function showImagePreview(urls: string[], current?: string): Promise<void> {
  let index = Math.max(0, current ? urls.indexOf(current) : 0);
  return new Promise((resolve) => {
    const mask = el('div', 'wx-image-preview');
    mask.setAttribute('role', 'dialog');
    mask.setAttribute('aria-label', '图片预览');
    const img = document.createElement('img');
    const counter = el('div', 'wx-image-preview-count');
    const show = async () => {
      counter.textContent = `${index + 1}/${urls.length}`;
      img.src = await displayableSrc(urls[index] ?? '').catch(() => '');
    };
    const step = (delta: number) => (e: Event) => {
      e.stopPropagation();
      index = (index + delta + urls.length) % urls.length;
      void show();
    };
    mask.appendChild(img);
    mask.appendChild(counter);
    if (urls.length > 1) {
      const prev = el('button', 'wx-image-preview-step prev', '‹');
      const next = el('button', 'wx-image-preview-step next', '›');
      prev.addEventListener('click', step(-1));
      next.addEventListener('click', step(1));
      mask.appendChild(prev);
      mask.appendChild(next);
    }
    mask.addEventListener('click', () => {
      mask.remove();
      resolve();
    });
    $('#overlay').appendChild(mask);
    void show();
  });
}
