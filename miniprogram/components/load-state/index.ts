// Loading, empty and error-with-retry for any list or detail; the page owns the state, this only shows it.
Component({
  properties: {
    state: { type: Object, value: { kind: 'loading' } },
    emptyText: { type: String, value: '暂无内容' },
  },
  methods: {
    onRetry() {
      this.triggerEvent('retry');
    },
  },
});
