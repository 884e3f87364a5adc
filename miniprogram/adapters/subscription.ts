// Who asks for subscribe-message authorizations: WeChat's dialog, or (in local mode) the local cloud's outbox,
// which then grants the one-time quota the real platform would.
import type { LocalCloudSwitch } from '../config';
import { postJson } from './http';

export interface SubscribeOutcome {
  accepted: string[];
  rejected: string[];
}

export interface SubscriptionPrompt {
  /** Never throws and never blocks the business action: a refusal is an ordinary outcome. */
  ask(templateIds: string[]): Promise<SubscribeOutcome>;
}

export function wxSubscriptionPrompt(): SubscriptionPrompt {
  return {
    ask(templateIds) {
      if (templateIds.length === 0) return Promise.resolve({ accepted: [], rejected: [] });
      return new Promise((resolve) => {
        wx.requestSubscribeMessage({
          tmplIds: templateIds,
          success: (res) => {
            const answers = res as unknown as Record<string, unknown>;
            resolve({
              accepted: templateIds.filter((id) => answers[id] === 'accept'),
              rejected: templateIds.filter((id) => answers[id] !== 'accept'),
            });
          },
          fail: () => resolve({ accepted: [], rejected: [...templateIds] }),
        } as WechatMiniprogram.RequestSubscribeMessageOption);
      });
    },
  };
}

export function localSubscriptionPrompt(local: LocalCloudSwitch): SubscriptionPrompt {
  return {
    async ask(templateIds) {
      if (templateIds.length === 0) return { accepted: [], rejected: [] };
      try {
        const res = await postJson(`${local.url}/sandbox/subscriptions`, { openid: local.openid, templateIds });
        if (res.statusCode >= 200 && res.statusCode < 300) return { accepted: [...templateIds], rejected: [] };
      } catch {
        // A local cloud without the outbox must not stop the request either.
      }
      return { accepted: [], rejected: [...templateIds] };
    },
  };
}
