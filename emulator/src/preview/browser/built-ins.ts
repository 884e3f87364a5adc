// input and textarea as WeChat's webview has them: components whose element holds a real browser control.
// Typing fires `input` with {value, cursor}; `value` set by the page's data replaces what is shown.
import * as jComponent from 'j-component';

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

// WeChat's other built-in elements: rendered as `wx-<name>` holding their children, styled by the shell.
const PLAIN = [
  'view', 'text', 'scroll-view', 'swiper', 'swiper-item', 'cover-view', 'cover-image', 'icon', 'progress', 'rich-text',
  'button', 'checkbox', 'checkbox-group', 'form', 'label', 'picker', 'radio', 'radio-group', 'slider', 'switch',
  'navigator', 'image', 'canvas', 'map', 'video', 'web-view', 'open-data', 'page-meta', 'navigation-bar',
];

let registered = false;

/** Registers the built-ins once, under their own names (templates find them without `usingComponents`). */
export function registerBuiltIns(): Record<string, string> {
  if (!registered) {
    for (const name of PLAIN) jComponent.register({ id: name, tagName: `wx-${name}`, template: '<slot/>' });
    jComponent.register({ id: 'input', ...controlDefinition('wx-input') });
    jComponent.register({ id: 'textarea', ...controlDefinition('wx-textarea') });
    registered = true;
  }
  return {};
}
