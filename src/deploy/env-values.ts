// The environment variables one function should end up with: what it already has (secrets set by hand survive:
// SCF replaces a function's environment as a whole, so the deploy reads, merges, then writes), plus the values
// the secret source gives for the variables the table (functions.ts) lists for the shop's channels and printer.
import type { SecretSource } from './credentials';
import { ENV_BYTES_LIMIT, envBytes, envPassThrough, envRequirements, satisfiedBy, type EnvSubjects, type ProductFunction } from './functions';

export interface EnvOutcome {
  env: Record<string, string>;
  /** Names whose value is new or different (never the values). */
  changed: string[];
  /** Each requirement neither the source nor the function has, in words. */
  missing: string[];
  /** Over CloudBase's 4 KB. */
  tooLarge?: number;
}

/** One PEM block becomes bare base64: the functions read both, and it saves ~60 bytes of the 4 KB per value. */
export function compactPem(value: string): string {
  const blocks = value.match(/-----BEGIN [A-Z ]+-----/g);
  if (blocks?.length !== 1) return value;
  const m = /^\s*-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----\s*$/.exec(value.replace(/\\n/g, '\n'));
  return m ? m[2].replace(/\s+/g, '') : value;
}

export function desiredEnv(fn: ProductFunction, current: Readonly<Record<string, string>>, source: SecretSource, subjects: EnvSubjects, limitExempt: readonly string[] = []): EnvOutcome {
  const env: Record<string, string> = { ...current };
  const changed: string[] = [];
  const missing: string[] = [];
  const take = (name: string) => {
    const value = source.get(name);
    if (value === undefined) return;
    const compact = compactPem(value);
    if (env[name] !== compact) changed.push(name);
    env[name] = compact;
  };
  for (const req of envRequirements(subjects).get(fn) ?? []) {
    // A group the source fully gives wins (what the developer means now), else one the function already has.
    const group = satisfiedBy(req, (n) => source.get(n) !== undefined) ?? satisfiedBy(req, (n) => source.get(n) !== undefined || current[n] !== undefined);
    if (!group) {
      missing.push(`${req.what}: set ${req.anyOf.map((g) => g.join(' + ')).join(', or ')}`);
      continue;
    }
    for (const name of group) take(name);
  }
  for (const name of envPassThrough(subjects).get(fn) ?? []) take(name);
  const bytes = envBytes(env, limitExempt);
  return { env, changed, missing, ...(bytes > ENV_BYTES_LIMIT ? { tooLarge: bytes } : {}) };
}

/** For the doctor: names only, no source. */
export const NO_SECRETS: SecretSource = { get: () => undefined, describe: () => 'nothing (names only)' };
