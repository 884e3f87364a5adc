// Where the storage keeps files: in memory (tests, --memory) or in the data folder, as `storage/files/<cloudPath>`
// next to `storage/index.json` (who uploaded each file, when, its type and size). The index is rewritten whole
// after each change, through a temporary file, so a crash leaves the old index or the new one.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface StoredFile {
  cloudPath: string;
  size: number;
  contentType: string;
  /** The openid of the mini-program user who uploaded it; absent when a function or a tool did. */
  owner?: string;
  uploadedAt: string;
  /** MD5 of the content, as COS reports it in ETag. */
  etag: string;
}

export interface FileStore {
  put(meta: Omit<StoredFile, 'etag' | 'size'>, content: Buffer): StoredFile;
  meta(cloudPath: string): StoredFile | undefined;
  content(cloudPath: string): Buffer | undefined;
  delete(cloudPath: string): boolean;
  /** Newest first. */
  list(): StoredFile[];
}

function described(meta: Omit<StoredFile, 'etag' | 'size'>, content: Buffer): StoredFile {
  return { ...meta, size: content.length, etag: createHash('md5').update(content).digest('hex') };
}

export function memoryFileStore(): FileStore {
  const files = new Map<string, { meta: StoredFile; content: Buffer }>();
  return {
    put(meta, content) {
      const stored = described(meta, content);
      files.delete(meta.cloudPath); // re-inserted: newest last
      files.set(meta.cloudPath, { meta: stored, content: Buffer.from(content) });
      return stored;
    },
    meta: (cloudPath) => files.get(cloudPath)?.meta,
    content: (cloudPath) => files.get(cloudPath)?.content,
    delete: (cloudPath) => files.delete(cloudPath),
    list: () => [...files.values()].map((f) => f.meta).reverse(),
  };
}

export function diskFileStore(dir: string): FileStore {
  const filesDir = join(dir, 'files');
  const indexFile = join(dir, 'index.json');
  mkdirSync(filesDir, { recursive: true });
  const index = new Map<string, StoredFile>();
  if (existsSync(indexFile)) {
    const saved = JSON.parse(readFileSync(indexFile, 'utf8')) as { files?: StoredFile[] };
    for (const file of saved.files ?? []) if (existsSync(join(filesDir, file.cloudPath))) index.set(file.cloudPath, file);
  }
  const save = () => {
    const temporary = `${indexFile}.tmp`;
    writeFileSync(temporary, JSON.stringify({ files: [...index.values()] }, null, 1));
    renameSync(temporary, indexFile);
  };
  // Paths were checked by cloudPathProblem (no "..", no leading "/"), so they stay inside filesDir.
  const pathOf = (cloudPath: string) => join(filesDir, cloudPath);
  return {
    put(meta, content) {
      const stored = described(meta, content);
      mkdirSync(dirname(pathOf(meta.cloudPath)), { recursive: true });
      writeFileSync(pathOf(meta.cloudPath), content);
      index.delete(meta.cloudPath);
      index.set(meta.cloudPath, stored);
      save();
      return stored;
    },
    meta: (cloudPath) => index.get(cloudPath),
    content: (cloudPath) => (index.has(cloudPath) ? readFileSync(pathOf(cloudPath)) : undefined),
    delete(cloudPath) {
      if (!index.delete(cloudPath)) return false;
      rmSync(pathOf(cloudPath), { force: true });
      save();
      return true;
    },
    list: () => [...index.values()].reverse(),
  };
}
