// An esbuild plugin that spares a cold function the ~8 ms ICU needs to build its collator for the first
// String#localeCompare, without changing a single signature.
//
// wx-server-sdk signs every request (TC3-HMAC-SHA256, @cloudbase/signature-nodejs): it sorts the header names and the
// body keys with `a.localeCompare(b)`. Those names are lower-cased ASCII such as `x-tcb-source` or `tcb_sessiontoken`,
// and for strings made only of `_`, `-`, digits and lower-case letters the default collation of the locales a function
// runs in (root, en, zh: see LOCALES) is a plain character-by-character comparison in the order `_` < `-` < 0–9 < a–z,
// shorter first. The patched comparator uses that order for such names and still asks localeCompare for anything else,
// or for every name when the process locale is one we have not checked. test/unit/signature-key-order.test.ts compares
// it with localeCompare.
import { readFile } from 'node:fs/promises';

const ORIGINAL = '.sort((l, r) => l.toString().localeCompare(r))';

/** The comparator's source: self-contained, so the same text is bundled and unit-tested. */
export const COMPARATOR = `(function () {
  // ICU takes its default locale from these variables; the fast order is checked only for these locales.
  const LOCALES = /^(?:C|POSIX|en|zh)(?:[_.@-]|$)/i;
  const env = typeof process === 'object' && process.env ? process.env : {};
  const fast = ['LC_ALL', 'LC_MESSAGES', 'LANG'].every((k) => !env[k] || LOCALES.test(env[k]));
  const PLAIN = /^[-_0-9a-z]*$/;
  const rank = (c) => (c === 95 ? 0 : c === 45 ? 1 : c <= 57 ? c - 46 : c - 85); // _ - 0-9 a-z
  return function compareKeys(l, r) {
    const a = l.toString();
    if (!fast || !PLAIN.test(a) || !PLAIN.test(r)) return a.localeCompare(r);
    const n = Math.min(a.length, r.length);
    for (let i = 0; i < n; i++) {
      const d = rank(a.charCodeAt(i)) - rank(r.charCodeAt(i));
      if (d !== 0) return d < 0 ? -1 : 1;
    }
    return a.length === r.length ? 0 : a.length < r.length ? -1 : 1;
  };
})()`;

export function signatureKeyOrder() {
  return {
    name: 'signature-key-order',
    setup(b) {
      b.onLoad({ filter: /[\\/]@cloudbase[\\/]signature-nodejs[\\/]lib[\\/]keyvalue\.js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        // A new SDK version that sorts differently must be looked at again, not silently left slow or wrong.
        if (source.split(ORIGINAL).length !== 2) throw new Error(`signature-key-order: ${args.path} no longer sorts with ${ORIGINAL}`);
        return { contents: source.replace(ORIGINAL, `.sort(${COMPARATOR})`), loader: 'js' };
      });
    },
  };
}
