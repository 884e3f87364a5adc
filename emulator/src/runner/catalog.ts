// Finds built functions (<root>/<name>/index.js + config.json) and reads their config.json.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionConfig } from '../contracts';

/** CloudBase function names: letters, digits, '-' and '_', at most 60 characters. Also keeps paths inside a root. */
const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/;

/** CloudBase's default execution timeout, in seconds. */
export const DEFAULT_TIMEOUT_SECONDS = 3;
/** The longest timeout CloudBase allows (asynchronous functions). */
const MAX_TIMEOUT_SECONDS = 900;

export interface FunctionBundle {
  name: string;
  dir: string;
  bundlePath: string;
  /** Changes when the bundle is rebuilt; warm instances of an older build are retired. */
  version: string;
}

export type ConfigResult = { ok: true; config: FunctionConfig } | { ok: false; message: string };

export function isFunctionName(name: string): boolean {
  return FUNCTION_NAME.test(name);
}

/** The first root holding <name>/index.js wins, so product functions can sit beside test-only ones. */
export function findBundle(roots: readonly string[], name: string): FunctionBundle | undefined {
  if (!isFunctionName(name)) return undefined;
  for (const root of roots) {
    const dir = join(root, name);
    const bundlePath = join(dir, 'index.js');
    try {
      const stat = statSync(bundlePath);
      if (stat.isFile()) return { name, dir, bundlePath, version: `${stat.mtimeMs}:${stat.size}` };
    } catch {
      // not in this root
    }
  }
  return undefined;
}

export function listFunctions(roots: readonly string[]): string[] {
  const names = new Set<string>();
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      if (entry.isDirectory() && isFunctionName(entry.name) && existsSync(join(root, entry.name, 'index.js'))) {
        names.add(entry.name);
      }
    }
  }
  return [...names].sort();
}

/** Reads config.json; a missing file means defaults, a malformed one is an error (a deploy would refuse it). */
export function readConfig(dir: string): ConfigResult {
  const path = join(dir, 'config.json');
  if (!existsSync(path)) return { ok: true, config: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return { ok: false, message: `config.json is not valid JSON: ${(e as Error).message}` };
  }
  return parseConfig(raw);
}

export function parseConfig(raw: unknown): ConfigResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, message: 'config.json must hold an object' };
  const input = raw as Record<string, unknown>;
  const config: FunctionConfig = {};

  if (input.timeout !== undefined) {
    const t = input.timeout;
    if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0 || t > MAX_TIMEOUT_SECONDS) {
      return { ok: false, message: `config.json timeout must be a number of seconds in (0, ${MAX_TIMEOUT_SECONDS}]` };
    }
    config.timeout = t;
  }

  if (input.permissions !== undefined) {
    const p = input.permissions as { openapi?: unknown } | null;
    if (typeof p !== 'object' || p === null) return { ok: false, message: 'config.json permissions must be an object' };
    if (p.openapi !== undefined) {
      if (!Array.isArray(p.openapi) || !p.openapi.every((x): x is string => typeof x === 'string')) {
        return { ok: false, message: 'config.json permissions.openapi must be a list of API names' };
      }
      config.permissions = { openapi: [...p.openapi] };
    } else {
      config.permissions = {};
    }
  }

  if (input.triggers !== undefined) {
    if (!Array.isArray(input.triggers)) return { ok: false, message: 'config.json triggers must be a list' };
    const triggers: NonNullable<FunctionConfig['triggers']> = [];
    for (const t of input.triggers as unknown[]) {
      const trigger = t as { name?: unknown; type?: unknown; config?: unknown } | null;
      if (!trigger || typeof trigger.name !== 'string' || trigger.type !== 'timer' || typeof trigger.config !== 'string') {
        return { ok: false, message: 'config.json triggers must be {name, type: "timer", config: "<cron>"}' };
      }
      triggers.push({ name: trigger.name, type: 'timer', config: trigger.config });
    }
    config.triggers = triggers;
  }
  return { ok: true, config };
}

export function timeoutSeconds(config: FunctionConfig): number {
  return config.timeout ?? DEFAULT_TIMEOUT_SECONDS;
}
