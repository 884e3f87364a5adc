// What every browser-preview suite starts from: a local cloud and a Chromium, opened before its tests and closed
// after them. The returned object reads them lazily, since they exist only once beforeAll has run.
import type { Browser } from 'playwright-core';
import type { LocalCloudOptions } from '../../../emulator/src/local-cloud';
import { startTestCloud, type LocalCloud } from '../../helpers/local-cloud';
import { launchBrowser } from '../phone';

export interface PreviewSession {
  readonly cloud: LocalCloud;
  readonly browser: Browser;
}

export function previewSession(options: LocalCloudOptions): PreviewSession {
  let cloud: LocalCloud | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    cloud = await startTestCloud(options);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await cloud?.close();
  });
  return {
    get cloud() {
      if (!cloud) throw new Error('the local cloud is not started (used outside a test?)');
      return cloud;
    },
    get browser() {
      if (!browser) throw new Error('the browser is not launched (used outside a test?)');
      return browser;
    },
  };
}

export interface StoredOrder {
  _id: string;
  status: string;
  shipping?: { logisticsType: string; expressCompany?: string; trackingNo?: string };
}

/** The order as the local cloud's database holds it, to check what a page showed against. */
export function storedOrder(cloud: LocalCloud, orderId: string): StoredOrder | undefined {
  return (cloud.db.list('orders', { limit: 1000 }).documents as unknown as StoredOrder[]).find((o) => o._id === orderId);
}
