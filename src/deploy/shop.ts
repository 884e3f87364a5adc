// The shop file (cloudbase/shop.json, git-ignored; cloudbase/shop.example.json committed): `settings/shop` and the
// products, checked by the same rules the functions apply when they read them, before anything is sent.
import { requireFen } from '../domain/money';
import { AppError } from '../domain/errors';
import { parseSettings, type Settings } from '../domain/settings';

export interface ShopProduct {
  _id: string;
  name: string;
  price: number;
  description?: string;
  active: boolean;
  sort?: number;
  [field: string]: unknown;
}

export interface ShopFile {
  /** The document as written to settings/shop (without _id). */
  settings: Record<string, unknown>;
  /** What the functions will read it as. */
  parsed: Settings;
  products: ShopProduct[];
}

const PRODUCT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Every problem found, each naming where it is; an empty list means the shop file is good. */
export function checkShopFile(raw: unknown, source: string): { ok: true; shop: ShopFile } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const where = (what: string) => `${source}: ${what}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, problems: [where('must be an object {settings, products}')] };
  const doc = raw as Record<string, unknown>;
  for (const key of Object.keys(doc)) if (key !== 'settings' && key !== 'products' && !key.startsWith('//')) problems.push(where(`unknown property ${key} (expected settings and products)`));

  const rawSettings = doc.settings;
  let parsed: Settings | undefined;
  let settings: Record<string, unknown> = {};
  if (typeof rawSettings !== 'object' || rawSettings === null || Array.isArray(rawSettings)) problems.push(where('settings must be the settings/shop document'));
  else {
    settings = Object.fromEntries(Object.entries(rawSettings as Record<string, unknown>).filter(([k]) => k !== '_id' && !k.startsWith('//')));
    const result = parseSettings(settings);
    if (result.ok) parsed = result.settings;
    else for (const p of result.problems) problems.push(where(`settings: ${p}`));
  }

  const products: ShopProduct[] = [];
  if (!Array.isArray(doc.products)) problems.push(where('products must be a list'));
  else {
    const ids = new Set<string>();
    doc.products.forEach((p, i) => {
      const at = (what: string) => where(`products[${i}]${what}`);
      if (typeof p !== 'object' || p === null || Array.isArray(p)) return problems.push(at(' must be an object {_id, name, price, active, sort?, description?}'));
      const product = p as Record<string, unknown>;
      if (typeof product._id !== 'string' || !PRODUCT_ID.test(product._id)) problems.push(at('._id must be 1-64 letters, digits, _ or -'));
      else if (ids.has(product._id)) problems.push(at(`._id ${product._id} appears twice`));
      else ids.add(product._id);
      if (typeof product.name !== 'string' || product.name.trim() === '') problems.push(at('.name must be a non-empty string'));
      try {
        requireFen(product.price, `products[${i}].price`);
      } catch (err) {
        const yuan = typeof product.price === 'number' && !Number.isInteger(product.price) ? ` (${product.price} looks like yuan: write ${Math.round(product.price * 100)} for ${product.price} yuan)` : '';
        problems.push(where(`${err instanceof AppError ? err.message : String(err)}${yuan}`));
      }
      if (typeof product.active !== 'boolean') problems.push(at('.active must be true or false'));
      if (product.sort !== undefined && (typeof product.sort !== 'number' || !Number.isFinite(product.sort))) problems.push(at('.sort must be a number'));
      if (product.description !== undefined && typeof product.description !== 'string') problems.push(at('.description must be a string'));
      products.push(product as ShopProduct);
    });
    if (!products.some((p) => p.active === true)) problems.push(where('products: at least one product must be active, or buyers see an empty shop'));
  }
  if (problems.length > 0 || !parsed) return { ok: false, problems };
  return { ok: true, shop: { settings, parsed, products } };
}
