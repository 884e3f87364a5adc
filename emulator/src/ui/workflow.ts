// Starting, stopping and keeping data around the local cloud, as Firebase's emulators do:
//   --import DIR          start from an export (a copy: the export itself is never written to), checked first
//                         (import-check.ts); replacing an existing database asks first (--yes for scripts) and keeps
//                         the old one in <data>/backups/<time>/
//   --export-on-exit DIR  write the data on exit: Ctrl+C, SIGTERM, the end of `exec`, and an uncaught crash
//   exec "<command>"      start, run the command with the local cloud's address in its environment, stop,
//                         exit with the command's status
// An export is the database file (documents, sandbox trades, outbox) written to a temporary name and renamed, so a
// crash mid-export never leaves a half-written export where a good one was; plus export.json describing it.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { LocalCloud, LocalCloudOptions } from '../local-cloud';
import { checkAndPrepareImport } from './import-check';

export const EXPORT_FILE = 'local-cloud.sqlite';
export const EXPORT_META = 'export.json';

export interface WorkflowOptions {
  importDir?: string;
  exportOnExit?: string;
  exec?: string;
  /** Let --import replace an existing database without asking (scripts; the old one is still kept). */
  yes?: boolean;
}

/** How --import asks before it replaces a database: on the terminal, or not at all when stdin is no terminal. */
export interface ImportPrompt {
  isTTY: boolean;
  ask(question: string): Promise<boolean>;
}

/** The real terminal: y or yes (any case) agrees; anything else, or end of input, does not. */
export const terminalPrompt: ImportPrompt = {
  isTTY: Boolean(process.stdin.isTTY),
  async ask(question) {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^\s*y(es)?\s*$/i.test(await rl.question(question));
    } finally {
      rl.close();
    }
  },
};

export interface PreparedData {
  options: LocalCloudOptions;
  /** Removes the temporary folder an import into a throwaway database used. */
  cleanup(): void;
}

/**
 * Makes the database the cloud opens a checked copy of the import, in its data folder or, with --memory, a temporary
 * one. The copy is checked and its notify targets re-derived before it replaces anything; an existing database is
 * replaced only when the developer agrees (or passed --yes), and moved to <data>/backups/<time>/ rather than deleted.
 */
export async function prepareImport(
  options: LocalCloudOptions & WorkflowOptions,
  defaultDataDir: string,
  prompt: ImportPrompt,
  say: (line: string) => void = () => undefined,
): Promise<PreparedData> {
  if (!options.importDir) return { options, cleanup: () => undefined };
  const source = join(resolve(options.importDir), EXPORT_FILE);
  if (!existsSync(source)) throw new Error(`--import ${options.importDir}: no ${EXPORT_FILE} there (write one with --export-on-exit)`);
  const throwaway = Boolean(options.memory);
  const dataDir = throwaway ? mkdtempSync(join(tmpdir(), 'local-cloud-import-')) : resolve(options.dataDir ?? defaultDataDir);
  mkdirSync(dataDir, { recursive: true });
  const target = join(dataDir, EXPORT_FILE);
  // Staged beside the target, so that putting it in place is one rename on one file system.
  const staging = `${target}.import-${process.pid}`;
  const removeStaging = () => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(staging + suffix, { force: true });
  };
  removeStaging();
  copyFileSync(source, staging);
  const done = (): PreparedData => ({
    options: { ...options, memory: false, dataDir },
    cleanup: () => {
      if (throwaway) rmSync(dataDir, { recursive: true, force: true });
    },
  });
  try {
    const report = checkAndPrepareImport(staging, options.port);
    if (report.stoppedNotifies > 0) say(`--import: ${report.stoppedNotifies} pending notify(s) in the export will not be sent (their targets came from the export; see the WeChat Pay tab)`);
    if (report.redirectedNotifies > 0) say(`--import: ${report.redirectedNotifies} pending notify(s) go to this local cloud's HTTP access (port ${String(options.port)})`);
    if (!throwaway && existsSync(target)) {
      const backup = join(dataDir, 'backups', new Date().toISOString().replace(/[:.]/g, '-'));
      if (!options.yes) {
        if (!prompt.isTTY) throw new Error(`--import would replace the database in ${dataDir}: pass --yes to replace it (the current one is kept in ${join(dataDir, 'backups')}/), or import into --memory or another --data folder`);
        const agreed = await prompt.ask(`Replace the database in ${dataDir} with the export in ${resolve(options.importDir)}?\nThe current one is kept in ${backup}/. [y/N] `);
        if (!agreed) throw new Error('--import cancelled: nothing was changed');
      }
      mkdirSync(backup, { recursive: true });
      // With its WAL and shared-memory files: together they are the database as it was.
      for (const suffix of ['', '-wal', '-shm']) if (existsSync(target + suffix)) renameSync(target + suffix, join(backup, EXPORT_FILE + suffix));
      say(`--import: the previous database is kept in ${backup}/`);
    }
    renameSync(staging, target);
  } catch (err) {
    removeStaging();
    if (throwaway) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  removeStaging();
  return done();
}

/** Writes the whole database to DIR atomically; answers what was written. */
export function exportData(cloud: LocalCloud, dir: string): { file: string; collections: Record<string, number> } {
  const target = resolve(dir);
  mkdirSync(target, { recursive: true });
  const file = join(target, EXPORT_FILE);
  const partial = `${file}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  cloud.db.sqlite().prepare('VACUUM INTO ?').run(partial);
  renameSync(partial, file);
  const collections: Record<string, number> = {};
  for (const name of cloud.db.collections()) collections[name] = cloud.db.list(name, { limit: 1 }).total;
  writeFileSync(join(target, EXPORT_META), JSON.stringify({ exportedAt: new Date().toISOString(), env: cloud.env, file: EXPORT_FILE, collections }, null, 2) + '\n');
  return { file, collections };
}

export function readExportMeta(dir: string): { exportedAt: string; collections: Record<string, number> } {
  return JSON.parse(readFileSync(join(resolve(dir), EXPORT_META), 'utf8')) as { exportedAt: string; collections: Record<string, number> };
}

/** The environment a command started by `exec` gets: where the local cloud is, and how the SDK reaches it. */
export function execEnvironment(cloud: LocalCloud): Record<string, string> {
  return {
    LOCAL_CLOUD_URL: cloud.url,
    LOCAL_CLOUD_ENV: cloud.env,
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: `${cloud.url}/admin` }),
    TENCENTCLOUD_SECRETID: 'local',
    TENCENTCLOUD_SECRETKEY: 'local',
    TENCENTCLOUD: 'true',
    TCB_ENV: cloud.env,
  };
}

/** Runs a shell command against the cloud; answers its exit status (signals count as failure). */
export function execCommand(cloud: LocalCloud, command: string): Promise<number> {
  return new Promise((resolveStatus) => {
    const child = spawn(command, { shell: true, stdio: 'inherit', env: { ...process.env, ...execEnvironment(cloud) } });
    child.on('error', () => resolveStatus(127));
    child.on('exit', (code, signal) => resolveStatus(code ?? (signal ? 1 : 0)));
  });
}

/**
 * Stops the cloud once, exporting first when asked; safe to call from several exit paths at once.
 * `crashed` is for the uncaught-error path: the export is still attempted, its own failure only reported.
 */
export function stopper(cloud: LocalCloud, options: WorkflowOptions, cleanup: () => void, say: (line: string) => void, beforeStop?: () => void) {
  let stopping: Promise<void> | undefined;
  return (crashed = false): Promise<void> => {
    stopping ??= (async () => {
      beforeStop?.();
      if (options.exportOnExit) {
        try {
          const written = exportData(cloud, options.exportOnExit);
          say(`exported ${Object.keys(written.collections).length} collections to ${written.file}`);
        } catch (err) {
          say(`export to ${options.exportOnExit} failed${crashed ? ' after a crash' : ''}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      await cloud.close().catch(() => undefined);
      cleanup();
    })();
    return stopping;
  };
}
