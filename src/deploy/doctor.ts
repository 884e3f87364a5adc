// Checks a live environment against the declarations and says, for each thing missing or different, what to do.
// Reads only. Environment variables are checked by name, never by value.
import type { MessagePurpose } from '../domain/documents';
import { parseSettings } from '../domain/settings';
import type { Cloud } from './cloud';
import type { Declarations } from './declarations';
import { NO_SECRETS } from './env-values';
import { HTTP_PATHS } from './functions';
import { makePlan, pending } from './plan';

export interface Finding {
  what: string;
  todo: string;
}

export async function examine(cloud: Cloud, decl: Declarations, deployCommand: string, local = false): Promise<Finding[]> {
  const findings: Finding[] = [];
  const plan = await makePlan(cloud, decl, { secrets: NO_SECRETS, prune: false, local });
  for (const step of pending(plan)) {
    // The shop's documents are the operator's to change in the console; the doctor checks them by their rules below.
    if (step.resource.startsWith('settings/') || step.resource.startsWith('products/')) continue;
    findings.push({ what: `${step.resource}: ${step.action === 'create' ? 'missing' : step.changes.join('; ')}`, todo: `run ${deployCommand} --yes` });
  }
  for (const p of plan.problems) findings.push({ what: p, todo: `put the value in .env.local and run ${deployCommand} --yes (or set it in 云函数 → 函数配置 → 环境变量)` });

  const collections = await cloud.collections();
  const raw = collections.includes('settings') ? await cloud.getDocument('settings', 'shop') : undefined;
  const parsed = parseSettings(raw ? Object.fromEntries(Object.entries(raw).filter(([k]) => k !== '_id')) : undefined);
  if (!parsed.ok) {
    for (const p of parsed.problems) findings.push({ what: `settings/shop: ${p}`, todo: `fix it in the shop file and run ${deployCommand} --yes` });
  } else {
    const s = parsed.settings;
    if (s.provider !== 'cloudpay') {
      const routes = await cloud.routes();
      for (const [key, fn] of [['payNotifyUrl', 'payNotify'], ['refundNotifyUrl', 'refundNotify']] as const) {
        const path = HTTP_PATHS[fn] as string;
        const url = s[key] ?? '';
        const route = routes.find((r) => r.path === path && r.functionName === fn);
        if (!route) continue; // reported above as a missing HTTP access path
        let pathname = '';
        try {
          pathname = new URL(url).pathname;
        } catch {
          // reported by parseSettings
        }
        if (!pathname.endsWith(path)) findings.push({ what: `settings/shop.${key} is ${url}: it does not reach ${fn}'s HTTP access path ${path}`, todo: `set it to <your HTTP access domain>${path} in the shop file and run ${deployCommand} --yes` });
      }
    }
    const purposes: MessagePurpose[] = ['orderPaid', 'refundRequested', 'refundResult', ...(s.shipping.managed ? (['orderShipped'] as const) : [])];
    for (const purpose of purposes) {
      if (!s.templates[purpose]) findings.push({ what: `settings/shop.templates.${purpose} is not configured: that message is never sent`, todo: 'add the template in the mini-program admin (订阅消息) and its id and fields to the shop file' });
    }
  }

  let active = false;
  if (collections.includes('products')) {
    for (const p of decl.shop.products) {
      const doc = await cloud.getDocument('products', p._id);
      if (doc?.active === true) active = true;
    }
  }
  if (!active) findings.push({ what: 'no active product: buyers see an empty shop', todo: `mark a product active in the shop file and run ${deployCommand} --yes` });
  return findings;
}
