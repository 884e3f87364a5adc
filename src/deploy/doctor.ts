// Checks a live environment against the declarations and says, for each thing missing or different, what to do.
// Reads only. Environment variables are checked by name, never by value.
import { PROBE_KEY, PROBED_APIS, type ProbeAnswer, type ProbedApi } from '../domain/doctor-probe';
import type { MessagePurpose } from '../domain/documents';
import { parseSettings } from '../domain/settings';
import { CloudCallError, type Cloud } from './cloud';
import type { Declarations, DeclaredFunction } from './declarations';
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

  // Functions missing or running other code are reported above; the rest are asked to try their cloud calls.
  const current = decl.functions.filter((f) => f.openapi.length > 0 && !plan.steps.some((s) => s.resource === `function ${f.name}` && s.action !== 'unchanged'));
  findings.push(...(await Promise.all(current.map((fn) => cloudCallFindings(cloud, fn)))).flat());
  return findings;
}

const UPLOAD_TODO =
  'upload the functions once from WeChat DevTools (right-click cloudfunctions/<name> → 上传并部署：所有文件): only that grants the permissions of config.json; CloudBase caches them for up to 10 minutes, then run the doctor again';

/** Invokes the function with the probe event (domain/doctor-probe.ts): each cloud call its config.json lists, tried harmlessly. */
async function cloudCallFindings(cloud: Cloud, fn: DeclaredFunction): Promise<Finding[]> {
  const apis = fn.openapi.filter((a): a is ProbedApi => (PROBED_APIS as readonly string[]).includes(a));
  if (apis.length === 0) return [];
  let answer: unknown;
  try {
    answer = await cloud.invoke(fn.name, { [PROBE_KEY]: 'openapi', apis });
  } catch (err) {
    const why = err instanceof CloudCallError ? err.message : String(err);
    return [{ what: `function ${fn.name}: its cloud calls could not be checked (${why})`, todo: 'look at the function’s log in the console, then run the doctor again' }];
  }
  const data = (answer as { ok?: unknown; data?: ProbeAnswer } | null)?.data;
  if ((answer as { ok?: unknown } | null)?.ok !== true || data?.probe !== 'openapi' || !Array.isArray(data.results)) {
    return [{ what: `function ${fn.name}: its cloud calls could not be checked (it answered ${JSON.stringify(answer).slice(0, 120)})`, todo: 'deploy the current build, then run the doctor again' }];
  }
  return data.results.flatMap((r): Finding[] => {
    if (r.outcome === 'denied') return [{ what: `function ${fn.name}: cloud call ${r.api} is refused (-604101: no permission)`, todo: UPLOAD_TODO }];
    if (r.outcome === 'unknown') return [{ what: `function ${fn.name}: cloud call ${r.api} gave no answer`, todo: 'look at the function’s log in the console, then run the doctor again' }];
    return [];
  });
}
