import { config } from './config';

App({
  onLaunch() {
    // In local mode nothing talks to wx.cloud; initialising it would need a real environment.
    if (config.localCloud.enabled) return;
    if (!wx.cloud) {
      console.error('wx.cloud is unavailable: base library 2.2.3 or later is required');
      return;
    }
    // Without an env id, wx.cloud uses the environment selected in DevTools.
    wx.cloud.init(config.cloudEnv ? { env: config.cloudEnv, traceUser: true } : { traceUser: true });
  },
});
