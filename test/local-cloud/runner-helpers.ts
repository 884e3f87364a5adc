// Shared by the runner and gateway tests.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const projectRoot = resolve(__dirname, '../..');

/** The runner runs built bundles: fail with the fix rather than with a confusing worker error. */
export function requireBuilt(paths: string[]): void {
  const missing = paths.filter((p) => !existsSync(join(projectRoot, p)));
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}: run \`npm run build\` before these tests`);
}
