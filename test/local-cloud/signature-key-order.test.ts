// The built functions sort the names they sign without String#localeCompare (scripts/signature-key-order.mjs): the
// order, and so every signature, must stay exactly what localeCompare gives, in each locale a function may run in.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from './runner-helpers';

/** Sorts `names` with the patched comparator and with localeCompare in a fresh Node whose locale comes from `env`. */
function bothOrders(names: string[], env: Record<string, string>): { patched: string[]; locale: string[]; usedIcu: boolean } {
  const script = `
    import { COMPARATOR } from ${JSON.stringify(join(projectRoot, 'scripts/signature-key-order.mjs'))};
    const compare = (0, eval)(COMPARATOR);
    const names = JSON.parse(process.argv[1]);
    const original = String.prototype.localeCompare;
    let usedIcu = false;
    String.prototype.localeCompare = function (other) { usedIcu = true; return original.call(this, other); };
    const patched = [...names].sort(compare);
    String.prototype.localeCompare = original;
    const locale = [...names].sort((l, r) => l.toString().localeCompare(r));
    process.stdout.write(JSON.stringify({ patched, locale, usedIcu }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(names)], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  return JSON.parse(out) as { patched: string[]; locale: string[]; usedIcu: boolean };
}

/** Every short name over the alphabet the fast order covers, plus what wx-server-sdk signs. */
function plainNames(): string[] {
  const alphabet = ['_', '-', '0', '1', '9', 'a', 'b', 'z'];
  const names = new Set<string>(['', 'host', 'content-type', 'user-agent', 'x-tcb-source', 'x-client-timestamp',
    'x-sdk-version', 'x-tcb-region', 'tcb_sessiontoken', 'wxcloudapitoken', 'envname', 'collectionname', 'query']);
  for (const a of alphabet) {
    names.add(a);
    for (const b of alphabet) {
      names.add(a + b);
      for (const c of alphabet) names.add(a + b + c);
    }
  }
  return [...names];
}

test.each([
  ['no locale set', {}],
  ['LANG=en_US.UTF-8', { LANG: 'en_US.UTF-8' }],
  ['LANG=zh_CN.UTF-8', { LANG: 'zh_CN.UTF-8' }],
  ['LC_ALL=C', { LC_ALL: 'C' }],
])('lower-case ASCII names sort exactly as localeCompare does, without it (%s)', (_label, env) => {
  const { patched, locale, usedIcu } = bothOrders(plainNames(), env);
  expect(patched).toEqual(locale);
  expect(usedIcu).toBe(false);
});

test('other names, and every name in a locale not checked, are still sorted by localeCompare', () => {
  const mixed = ['B', 'a', 'Ä', 'x.y', 'x-y', 'X-Y', 'ab', 'a b'];
  const plain = bothOrders(mixed, {});
  expect(plain.patched).toEqual(plain.locale);
  expect(plain.usedIcu).toBe(true);
  const danish = bothOrders(['aa', 'z', 'ab', 'a-b'], { LANG: 'da_DK.UTF-8' });
  expect(danish.patched).toEqual(danish.locale);
  expect(danish.usedIcu).toBe(true);
});
