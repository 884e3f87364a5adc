// Cloud paths and file ids as CloudBase spells them: a file uploaded to `cloudPath` in environment `env` is
// `cloud://<env>.<bucket>/<cloudPath>`. The checks follow CloudBase's naming rules (no leading "/", no "//", at most
// 850 bytes) and refuse what would make a path mean something else on disk or in a URL ("..", "\", "?", "#", "%").

export const MAX_CLOUD_PATH_BYTES = 850;

/** The bucket name CloudBase would give the environment: hex of its first two letters, the env, an app id. */
export function bucketOf(env: string): string {
  const prefix = Buffer.from(env.slice(0, 2)).toString('hex');
  return `${prefix}-${env}-1300000000`;
}

export function fileIdOf(env: string, cloudPath: string): string {
  return `cloud://${env}.${bucketOf(env)}/${cloudPath}`;
}

/** Why `cloudPath` is not acceptable, or undefined when it is. */
export function cloudPathProblem(cloudPath: unknown): string | undefined {
  if (typeof cloudPath !== 'string' || cloudPath === '') return 'cloudPath must be a non-empty string';
  if (Buffer.byteLength(cloudPath) > MAX_CLOUD_PATH_BYTES) return `cloudPath is longer than ${MAX_CLOUD_PATH_BYTES} bytes`;
  if (cloudPath.startsWith('/') || cloudPath.endsWith('/')) return 'cloudPath must not start or end with "/"';
  if (cloudPath.includes('//')) return 'cloudPath must not contain "//"';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\?#%*:"<>|]/.test(cloudPath)) return 'cloudPath must not contain control characters or any of \\ ? # % * : " < > |';
  if (cloudPath.split('/').some((segment) => segment === '.' || segment === '..')) return 'cloudPath must not contain "." or ".." segments';
  return undefined;
}

/** The cloud path a file id names in this environment; undefined for another environment or a malformed id. */
export function cloudPathOf(env: string, fileID: unknown): string | undefined {
  if (typeof fileID !== 'string') return undefined;
  const prefix = `cloud://${env}.${bucketOf(env)}/`;
  if (!fileID.startsWith(prefix)) return undefined;
  const path = fileID.slice(prefix.length);
  return cloudPathProblem(path) === undefined ? path : undefined;
}

/** Each segment percent-encoded, for the URLs the storage hands out. */
export function urlPathOf(cloudPath: string): string {
  return cloudPath.split('/').map(encodeURIComponent).join('/');
}
