// input and textarea as WeChat's webview has them: components whose element holds a real browser control.
// Typing fires `input` with {value, cursor}; `value` set by the page's data replaces what is shown.
import * as jComponent from 'j-component';
import { showOptionSheet } from './chrome';
import { displayableSrc } from './files';

interface ControlHost {
  $$: HTMLElement;
  data: Record<string, unknown>;
  triggerEvent(name: string, detail: unknown): void;
  __control?: HTMLInputElement | HTMLTextAreaElement;
}

function controlDefinition(tagName: 'wx-input' | 'wx-textarea'): Record<string, unknown> {
  const sync = function (this: ControlHost) {
    const control = this.__control;
    if (!control) return;
    const value = String(this.data.value ?? '');
    if (control.value !== value) control.value = value;
    control.placeholder = String(this.data.placeholder ?? '');
    const max = Number(this.data.maxlength);
    if (Number.isFinite(max) && max > 0) control.maxLength = max;
    else control.removeAttribute('maxlength');
    control.disabled = Boolean(this.data.disabled);
  };
  return {
    tagName,
    template: '<slot></slot>',
    properties: {
      value: { type: String, value: '', observer: sync },
      placeholder: { type: String, value: '', observer: sync },
      maxlength: { type: Number, value: 140, observer: sync },
      disabled: { type: Boolean, value: false, observer: sync },
      type: { type: String, value: 'text' },
    },
    lifetimes: {
      attached(this: ControlHost) {
        if (this.__control) return;
        const control = document.createElement(tagName === 'wx-input' ? 'input' : 'textarea');
        control.className = 'wx-native-control';
        if (control instanceof HTMLInputElement) {
          const type = String(this.data.type ?? 'text');
          control.type = 'text';
          if (type === 'digit') control.inputMode = 'decimal';
          if (type === 'number') control.inputMode = 'numeric';
        }
        control.addEventListener('input', () => {
          this.triggerEvent('input', { value: control.value, cursor: control.selectionStart ?? control.value.length, keyCode: 0 });
        });
        control.addEventListener('focus', () => this.triggerEvent('focus', { value: control.value }));
        control.addEventListener('blur', () => this.triggerEvent('blur', { value: control.value }));
        this.$$.appendChild(control);
        this.__control = control;
        sync.call(this);
      },
    },
  };
}

interface PickerHost {
  $$: HTMLElement;
  data: { range: unknown[]; rangeKey: string; mode: string; disabled: boolean };
  triggerEvent(name: string, detail: unknown): void;
  __bound?: boolean;
}

/** picker (mode selector): a tap opens the list as a sheet; choosing fires `change` with {value: index}. */
const pickerDefinition: Record<string, unknown> = {
  tagName: 'wx-picker',
  template: '<slot></slot>',
  properties: {
    range: { type: Array, value: [] },
    rangeKey: { type: String, value: '' },
    value: { type: Number, value: 0 },
    mode: { type: String, value: 'selector' },
    disabled: { type: Boolean, value: false },
  },
  lifetimes: {
    attached(this: PickerHost) {
      if (this.__bound) return;
      this.__bound = true;
      this.$$.addEventListener('click', async () => {
        const { range, rangeKey, mode, disabled } = this.data;
        if (disabled || mode !== 'selector') return;
        const labels = (range ?? []).map((item) => String(rangeKey && item && typeof item === 'object' ? (item as Record<string, unknown>)[rangeKey] : item));
        const index = await showOptionSheet(labels);
        if (index === undefined) this.triggerEvent('cancel', {});
        else this.triggerEvent('change', { value: index });
      });
    },
  },
};

interface ImageHost {
  $$: HTMLElement;
  data: { src: string; mode: string };
  triggerEvent(name: string, detail: unknown): void;
  __img?: HTMLImageElement;
}

// WeChat's image modes as CSS object-fit (the crop modes keep the picture's centre).
const FIT: Record<string, string> = { scaleToFill: 'fill', aspectFit: 'contain', aspectFill: 'cover', widthFix: 'cover', heightFix: 'cover' };

async function showImage(this: ImageHost): Promise<void> {
  const img = this.__img;
  if (!img) return;
  img.style.objectFit = FIT[this.data.mode] ?? 'fill';
  const wanted = this.data.src;
  img.dataset.src = wanted;
  const url = await displayableSrc(wanted).catch(() => '');
  if (img.dataset.src !== wanted) return; // a newer src arrived meanwhile
  if (url) img.src = url;
  else img.removeAttribute('src');
}

/** image: an <img> filling the element; a cloud file id or a picked photo's temporary path shows as WeChat shows it. */
const imageDefinition: Record<string, unknown> = {
  tagName: 'wx-image',
  template: '<slot></slot>',
  properties: {
    src: { type: String, value: '', observer: showImage },
    mode: { type: String, value: 'scaleToFill', observer: showImage },
  },
  lifetimes: {
    attached(this: ImageHost) {
      if (this.__img) return;
      const img = document.createElement('img');
      img.className = 'wx-image-img';
      img.alt = '';
      img.addEventListener('load', () => this.triggerEvent('load', { width: img.naturalWidth, height: img.naturalHeight }));
      img.addEventListener('error', () => this.triggerEvent('error', { errMsg: 'image load fail' }));
      this.$$.appendChild(img);
      this.__img = img;
      void showImage.call(this);
    },
  },
};

// WeChat's other built-in elements: rendered as `wx-<name>` holding their children, styled by the shell.
const PLAIN = [
  'view', 'text', 'scroll-view', 'swiper', 'swiper-item', 'cover-view', 'cover-image', 'icon', 'progress', 'rich-text',
  'button', 'checkbox', 'checkbox-group', 'form', 'label', 'radio', 'radio-group', 'slider', 'switch',
  'navigator', 'canvas', 'map', 'video', 'web-view', 'open-data', 'page-meta', 'navigation-bar',
];

let registered = false;

/** Registers the built-ins once, under their own names (templates find them without `usingComponents`). */
export function registerBuiltIns(): Record<string, string> {
  if (!registered) {
    for (const name of PLAIN) jComponent.register({ id: name, tagName: `wx-${name}`, template: '<slot/>' });
    jComponent.register({ id: 'input', ...controlDefinition('wx-input') });
    jComponent.register({ id: 'textarea', ...controlDefinition('wx-textarea') });
    jComponent.register({ id: 'picker', ...pickerDefinition });
    jComponent.register({ id: 'image', ...imageDefinition });
    registered = true;
  }
  return {};
}
