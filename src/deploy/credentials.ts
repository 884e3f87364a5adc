// Where a deploy's secrets come from: the process environment, then a git-ignored .env.local in the project root.
// Values are handed to the code that sends them and never printed, logged or written anywhere.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SecretSource {
  /** The value, or undefined when neither the environment nor .env.local sets it (empty counts as unset). */
  get(name: string): string | undefined;
  /** Where values came from, for messages ("the environment and /x/.env.local"). */
  describe(): string;
}

/** KEY=VALUE lines; # comments; optional single or double quotes; `\n` inside double quotes is a newline. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    let value = m[2].trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).replace(/\\n/g, '\n');
    else if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) value = value.slice(1, -1);
    out[m[1]] = value;
  }
  return out;
}

export function secretSource(root: string, env: NodeJS.ProcessEnv = process.env, extra: Record<string, string> = {}): SecretSource {
  const file = join(root, '.env.local');
  const fromFile = existsSync(file) ? parseEnvFile(readFileSync(file, 'utf8')) : {};
  return {
    get(name) {
      const value = env[name] ?? fromFile[name] ?? extra[name];
      return value === undefined || value.trim() === '' ? undefined : value;
    },
    describe: () => (existsSync(file) ? `the environment and ${file}` : 'the environment (no .env.local)'),
  };
}

export interface TencentCloudCredentials {
  secretId: string;
  secretKey: string;
  token?: string;
}

/** The names manager-node itself reads (its constant.js ENV_NAME). */
export const CREDENTIAL_NAMES = { secretId: 'TENCENTCLOUD_SECRETID', secretKey: 'TENCENTCLOUD_SECRETKEY', token: 'TENCENTCLOUD_SESSIONTOKEN' } as const;

export function tencentCloudCredentials(source: SecretSource): TencentCloudCredentials {
  const secretId = source.get(CREDENTIAL_NAMES.secretId);
  const secretKey = source.get(CREDENTIAL_NAMES.secretKey);
  if (!secretId || !secretKey) {
    throw new Error(
      `no Tencent Cloud API key: set ${CREDENTIAL_NAMES.secretId} and ${CREDENTIAL_NAMES.secretKey} in the environment or in .env.local (访问管理 → API密钥管理 in the Tencent Cloud console)`,
    );
  }
  const token = source.get(CREDENTIAL_NAMES.token);
  return { secretId, secretKey, ...(token ? { token } : {}) };
}
