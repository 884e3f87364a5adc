// Which field paths the documents of each collection have, read from their TypeScript types in
// src/domain/documents.ts with the TypeScript compiler: an index key that names no field of the collection's
// documents (a typo, a renamed field) is refused before anything is sent, since CloudBase would build it silently
// and no query would ever use it. The answer is cached per content of src/domain and typings/ (about a second to
// compute, then a file read).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as TS from 'typescript';

/** The document types stored in each collection that declares indexes (src/server/store.ts COLLECTIONS). */
export const COLLECTION_DOCUMENTS: Readonly<Record<string, readonly string[]>> = {
  orders: ['OrderDoc'],
  refunds: ['RefundDoc'],
  products: ['ProductDoc'],
  stock_log: ['StockLogDoc'],
  messages: ['MessageDoc'],
  anomalies: ['AnomalyDoc', 'BillDifferenceDoc'],
  bill_runs: ['BillRunDoc'],
};

/** Collection → every field path its documents may hold; `*` stands for any key of a map. */
export type DocumentFields = Record<string, string[]>;

const SOURCES = ['src/domain', 'typings'];
const DOCUMENTS = 'src/domain/documents.ts';

function sourcesDigest(root: string): string {
  const hash = createHash('sha256').update(JSON.stringify(COLLECTION_DOCUMENTS));
  for (const dir of SOURCES) {
    for (const name of readdirSync(join(root, dir)).filter((n) => n.endsWith('.ts')).sort()) hash.update(name).update(readFileSync(join(root, dir, name)));
  }
  return hash.digest('hex').slice(0, 24);
}

export function documentFields(root: string): DocumentFields {
  const cacheDir = join(root, 'node_modules/.cache/deploy');
  const cache = join(cacheDir, `document-fields-${sourcesDigest(root)}.json`);
  if (existsSync(cache)) return JSON.parse(readFileSync(cache, 'utf8')) as DocumentFields;
  const fields = computeFields(root, join(root, DOCUMENTS));
  mkdirSync(cacheDir, { recursive: true });
  // Written aside, then renamed: another deploy or test reading the cache meanwhile sees all of it or none.
  const partial = `${cache}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(fields));
  renameSync(partial, cache);
  return fields;
}

function computeFields(root: string, file: string): DocumentFields {
  // Loaded only here, from the repository the deploy runs in (the compiler is one of its dev dependencies).
  const ts = createRequire(join(root, 'package.json'))('typescript') as typeof TS;
  const program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const module = source && checker.getSymbolAtLocation(source);
  if (!module) throw new Error(`cannot read ${file}`);
  const exported = new Map(checker.getExportsOfModule(module).map((s) => [s.name, s]));

  const paths = (type: TS.Type, prefix: string, out: Set<string>, depth: number): void => {
    if (depth > 8) return;
    for (const t of type.isUnion() ? type.types : [type]) {
      if (t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined) || !(t.flags & ts.TypeFlags.Object)) continue;
      if (checker.isArrayType(t)) {
        const [element] = checker.getTypeArguments(t as TS.TypeReference);
        if (element) paths(element, prefix, out, depth + 1);
        continue;
      }
      if (t.getSymbol()?.name === 'Date') continue;
      if (checker.getIndexInfoOfType(t, ts.IndexKind.String)) out.add(`${prefix}*`);
      for (const prop of checker.getPropertiesOfType(t)) {
        const path = `${prefix}${prop.name}`;
        out.add(path);
        paths(checker.getTypeOfSymbol(prop), `${path}.`, out, depth + 1);
      }
    }
  };

  const fields: DocumentFields = {};
  for (const [collection, names] of Object.entries(COLLECTION_DOCUMENTS)) {
    const out = new Set<string>();
    for (const name of names) {
      const symbol = exported.get(name);
      if (!symbol) throw new Error(`${file} exports no ${name} (src/deploy/document-fields.ts COLLECTION_DOCUMENTS)`);
      paths(checker.getDeclaredTypeOfSymbol(symbol), '', out, 0);
    }
    fields[collection] = [...out].sort();
  }
  return fields;
}

/** Whether `path` is a field of the documents (a `*` stands for any one key). */
export function isDocumentField(known: readonly string[], path: string): boolean {
  const segments = path.split('.');
  return known.some((k) => {
    const parts = k.split('.');
    return parts.length === segments.length && parts.every((p, i) => p === segments[i] || p === '*');
  });
}
