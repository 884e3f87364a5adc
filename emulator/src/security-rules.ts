// CloudBase cloud-function security rules: which functions a client (the mini-program) may invoke.
// Format as the CloudBase console takes it: {"*": {"invoke": RULE}, "<function>": {"invoke": RULE}} where RULE is
// true, false, "auth != null" or "auth.loginType != 'ANONYMOUS' && auth != null". Server-side calls (other functions,
// timers, payment callbacks) are not subject to these rules, exactly as in the cloud.
import { readFileSync } from 'node:fs';

export type InvokeRule = 'allow' | 'deny' | 'signed-in';
export interface FunctionSecurityRules {
  ruleFor(functionName: string): InvokeRule;
}

const EXPRESSIONS: Record<string, InvokeRule> = {
  'auth != null': 'signed-in',
  "auth.loginType != 'ANONYMOUS' && auth != null": 'signed-in', // WeChat users are never anonymous
};

export function parseSecurityRules(source: unknown, origin = 'security rules'): FunctionSecurityRules {
  if (!source || typeof source !== 'object' || Array.isArray(source)) throw new Error(`${origin}: must be a JSON object`);
  const entries = Object.entries(source as Record<string, unknown>);
  const rules = new Map<string, InvokeRule>();
  for (const [name, config] of entries) {
    const invoke = config && typeof config === 'object' ? (config as Record<string, unknown>).invoke : undefined;
    if (invoke === true) rules.set(name, 'allow');
    else if (invoke === false) rules.set(name, 'deny');
    else if (typeof invoke === 'string' && EXPRESSIONS[invoke.replace(/\s+/g, ' ').trim()]) rules.set(name, EXPRESSIONS[invoke.replace(/\s+/g, ' ').trim()]);
    else throw new Error(`${origin}: "${name}".invoke must be true, false, "auth != null" or "auth.loginType != 'ANONYMOUS' && auth != null"`);
  }
  const wildcard = rules.get('*');
  if (!wildcard) throw new Error(`${origin}: a "*" entry is required (CloudBase rejects rules without one)`);
  return { ruleFor: (name) => rules.get(name) ?? wildcard };
}

export function loadSecurityRules(path: string): FunctionSecurityRules {
  return parseSecurityRules(JSON.parse(readFileSync(path, 'utf8')), path);
}

/** CloudBase's default when no rules are configured: signed-in users may invoke everything. */
export const DEFAULT_RULES: FunctionSecurityRules = { ruleFor: () => 'signed-in' };
