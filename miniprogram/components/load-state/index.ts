// Loading, empty and error for any list or detail; the page owns the state, this only shows it. "重试" is offered
// only for failures retrying can fix (network, a busy service), not for "not a merchant" or "not allowed".
import { isTransient } from '../../domain/errors';

Component({
  properties: {
    state: { type: Object, value: { kind: 'loading' } },
    emptyText: { type: String, value: '暂无内容' },
  },
  data: { retryable: false },
  observers: {
    state(state: { kind?: string; code?: string }) {
      this.setData({ retryable: state.kind === 'error' && isTransient(String(state.code ?? '')) });
    },
  },
  methods: {
    onRetry() {
      this.triggerEvent('retry');
    },
  },
});
