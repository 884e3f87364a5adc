// Loading, empty and error for any list or detail; the page owns the state, this only shows it. "重试" is offered
// only for failures retrying can fix (network, a busy service), not for "not a merchant" or "not allowed". An error
// always offers a way out: back, or (a page opened by a link, alone on the stack) the shop.
import { isTransient } from '../../domain/errors';
import { ROUTES } from '../../utils/routes';

Component({
  properties: {
    state: { type: Object, value: { kind: 'loading' } },
    emptyText: { type: String, value: '暂无内容' },
  },
  data: { retryable: false, canGoBack: false },
  observers: {
    state(state: { kind?: string; code?: string }) {
      const error = state.kind === 'error';
      this.setData({ retryable: error && isTransient(String(state.code ?? '')), canGoBack: error && getCurrentPages().length > 1 });
    },
  },
  methods: {
    onRetry() {
      this.triggerEvent('retry');
    },
    onGoBack() {
      if (getCurrentPages().length > 1) wx.navigateBack({ delta: 1 });
      else wx.reLaunch({ url: ROUTES.shop });
    },
  },
});
