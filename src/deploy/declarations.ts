// Everything a deploy sends, read from the repository and checked before the first request: collections and
// indexes (cloudbase/database-indexes.json), the functions' security rule (cloudbase/function-security-rules.json),
// each built function (cloudfunctions/<name>/ with its config.json), the table in functions.ts, and the shop file.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { validateIndexDeclarations, type IndexDeclarations } from '../../emulator/src/database/index-declarations';
import { parseSecurityRules } from '../../emulator/src/security-rules';
import { parseConfig } from '../../emulator/src/runner/catalog';
import { parseStorageRules } from '../../emulator/src/storage/rules';
import { configuredChannels } from '../domain/channels';
import type { PaymentProviderName } from '../domain/settings';
import { FUNCTION_MEMORY_MB, FUNCTION_RUNTIME, PRODUCT_FUNCTIONS, httpPathsFor, type ProductFunction } from './functions';
import { COLLECTION_DOCUMENTS, documentFields, isDocumentField } from './document-fields';
import { checkShopFile, type ShopFile } from './shop';

/** Every collection is 仅管理端可读写: only the functions touch the data. */
export const COLLECTION_PERMISSION = 'ADMINONLY';

export interface DeclaredFunction {
  name: ProductFunction;
  dir: string;
  runtime: string;
  memorySize: number;
  /** Seconds, from config.json (CloudBase's default 3 when absent). */
  timeout: number;
  triggers: Array<{ name: string; type: 'timer'; config: string }>;
  openapi: string[];
}

export interface Declarations {
  indexes: IndexDeclarations;
  /** The rule as one JSON text, the form CloudBase stores. */
  functionRules: string;
  /** cloudbase/storage-security-rules.json: {read, write}, deployed as the bucket's CUSTOM rule. */
  storageRules: Record<string, unknown>;
  functions: DeclaredFunction[];
  /** Function → path: the notify functions for APIv2/APIv3, wxPush under shipping management. */
  httpPaths: Partial<Record<ProductFunction, string>>;
  shop: ShopFile;
  channels: PaymentProviderName[];
  printer: boolean;
  push: boolean;
}

export class DeclarationError extends Error {
  constructor(readonly problems: string[]) {
    super(`the declarations have ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was sent:\n  - ${problems.join('\n  - ')}`);
    this.name = 'DeclarationError';
  }
}

export interface DeclarationSources {
  /** The project root (cloudbase/ is read from here). */
  root: string;
  /** Built functions; default <root>/cloudfunctions. */
  functionsRoot?: string;
  /** The shop file; default <root>/cloudbase/shop.json. */
  shopFile: string;
}

/** The shop's payment channels: the one new orders use, then those still configured for older orders (formerChannels). */
export function shopChannels(settings: ShopFile['parsed']): PaymentProviderName[] {
  return configuredChannels(settings).map((c) => c.provider);
}

/** Index keys that name no field of the collection's documents (their types in src/domain/documents.ts). */
function unknownIndexFields(indexes: IndexDeclarations, source: string): string[] {
  // The types of the code being deployed: this repository's, from src/deploy or dist/deploy alike.
  const fields = documentFields(resolve(__dirname, '../..'));
  const problems: string[] = [];
  for (const [collection, list] of Object.entries(indexes)) {
    if (list.length === 0) continue;
    const known = fields[collection];
    if (!known) {
      problems.push(`${source}: ${collection} has indexes but no document type: add it to COLLECTION_DOCUMENTS in src/deploy/document-fields.ts`);
      continue;
    }
    for (const index of list) {
      for (const key of Object.keys(index.keys)) {
        if (!isDocumentField(known, key)) problems.push(`${source}: ${collection}.${index.name}: key ${key} is not a field of the ${collection} documents (${COLLECTION_DOCUMENTS[collection].join(' / ')} in src/domain/documents.ts)`);
      }
    }
  }
  return problems;
}

function readJson(path: string, problems: string[]): unknown {
  if (!existsSync(path)) {
    problems.push(`${path} is missing`);
    return undefined;
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    problems.push(`${path} is not valid JSON: ${(err as Error).message}`);
    return undefined;
  }
}

export function loadDeclarations(sources: DeclarationSources): Declarations {
  const problems: string[] = [];
  const cloudbase = join(sources.root, 'cloudbase');

  let indexes: IndexDeclarations = {};
  const indexesPath = join(cloudbase, 'database-indexes.json');
  const rawIndexes = readJson(indexesPath, problems);
  if (rawIndexes !== undefined) {
    try {
      indexes = validateIndexDeclarations(rawIndexes, indexesPath);
      problems.push(...unknownIndexFields(indexes, indexesPath));
    } catch (err) {
      problems.push((err as Error).message);
    }
  }

  let functionRules = '';
  const rulesPath = join(cloudbase, 'function-security-rules.json');
  const rawRules = readJson(rulesPath, problems);
  if (rawRules !== undefined) {
    try {
      parseSecurityRules(rawRules, rulesPath);
      functionRules = JSON.stringify(rawRules);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }

  let storageRules: Record<string, unknown> = {};
  const storagePath = join(cloudbase, 'storage-security-rules.json');
  const rawStorage = readJson(storagePath, problems);
  if (rawStorage !== undefined) {
    try {
      parseStorageRules(rawStorage, storagePath);
      storageRules = rawStorage as Record<string, unknown>;
    } catch (err) {
      problems.push((err as Error).message);
    }
  }

  const functionsRoot = sources.functionsRoot ?? join(sources.root, 'cloudfunctions');
  const functions: DeclaredFunction[] = [];
  // A function built but missing from the table would never be deployed: the table must name it.
  if (existsSync(functionsRoot)) {
    for (const entry of readdirSync(functionsRoot, { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(functionsRoot, entry.name, 'index.js')) && !(PRODUCT_FUNCTIONS as readonly string[]).includes(entry.name)) {
        problems.push(`${join(functionsRoot, entry.name)} is a built function that src/deploy/functions.ts (PRODUCT_FUNCTIONS, ENV_TABLE) does not declare`);
      }
    }
  }
  for (const name of PRODUCT_FUNCTIONS) {
    const dir = join(functionsRoot, name);
    if (!existsSync(join(dir, 'index.js'))) {
      problems.push(`${dir}/index.js is missing: run npm run build first`);
      continue;
    }
    const configPath = join(dir, 'config.json');
    const rawConfig = readJson(configPath, problems);
    if (rawConfig === undefined) continue;
    const parsed = parseConfig(rawConfig);
    if (!parsed.ok) {
      problems.push(`${configPath}: ${parsed.message}`);
      continue;
    }
    functions.push({
      name,
      dir,
      runtime: FUNCTION_RUNTIME,
      memorySize: FUNCTION_MEMORY_MB,
      timeout: parsed.config.timeout ?? 3,
      triggers: (parsed.config.triggers ?? []).map((t) => ({ name: t.name, type: 'timer' as const, config: t.config })),
      openapi: parsed.config.permissions?.openapi ?? [],
    });
  }

  const rawShop = readJson(sources.shopFile, problems);
  let shop: ShopFile | undefined;
  if (rawShop !== undefined) {
    const checked = checkShopFile(rawShop, sources.shopFile);
    if (checked.ok) shop = checked.shop;
    else problems.push(...checked.problems);
  }

  if (problems.length > 0 || !shop) throw new DeclarationError(problems);
  const subjects = { channels: shopChannels(shop.parsed), printer: shop.parsed.printer !== undefined, push: shop.parsed.shipping.managed };
  return { indexes, functionRules, storageRules, functions, httpPaths: httpPathsFor(subjects), shop, ...subjects };
}
