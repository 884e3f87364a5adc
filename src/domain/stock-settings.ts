// The shop's stock settings: `stock` in settings/shop (docs/products-and-stock.md "Settings").
export interface StockSettings {
  /** A confirmed return puts its goods back on the shelf (sold → stock). Off by default: returned goods may be damaged. */
  restockOnReturn: boolean;
  /** When an order leaves a SKU with this many or fewer on the shelf, the merchants are told (once, until restocked). 0: never. */
  lowStockThreshold: number;
}

export const STOCK_DEFAULTS: StockSettings = { restockOnReturn: false, lowStockThreshold: 0 };

export function parseStockSettings(raw: unknown, problems: string[]): StockSettings {
  if (raw === undefined) return { ...STOCK_DEFAULTS };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push('stock must be an object with restockOnReturn, lowStockThreshold');
    return { ...STOCK_DEFAULTS };
  }
  const s = raw as Record<string, unknown>;
  for (const key of Object.keys(s)) if (!(key in STOCK_DEFAULTS)) problems.push(`stock.${key.slice(0, 40)}: unknown setting (expected restockOnReturn, lowStockThreshold)`);
  const restockOnReturn = s.restockOnReturn ?? STOCK_DEFAULTS.restockOnReturn;
  if (typeof restockOnReturn !== 'boolean') problems.push('stock.restockOnReturn must be true or false');
  const threshold = s.lowStockThreshold ?? STOCK_DEFAULTS.lowStockThreshold;
  if (typeof threshold !== 'number' || !Number.isInteger(threshold) || threshold < 0 || threshold > 100_000) problems.push('stock.lowStockThreshold must be a whole number in 0..100000');
  return { restockOnReturn: restockOnReturn === true, lowStockThreshold: typeof threshold === 'number' && Number.isInteger(threshold) && threshold >= 0 ? threshold : 0 };
}
