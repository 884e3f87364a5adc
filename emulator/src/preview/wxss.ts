// WXSS → CSS for the browser preview. The official wcsc checks the files (the compile gate); this only does what
// WeChat's webview does when it applies them:
//   - rpx become `calc(var(--rpx) * N)`: 750rpx is the phone frame's width, whatever width the frame has;
//   - built-in tags become the elements the renderer creates (`view` → `wx-view`), `page` the page's root;
//   - a page's rules apply to that page only; a component's classes carry its prefix (`load-state--retry`), as
//     component style isolation does; app.wxss applies to every page, not inside components.

export type StyleScope =
  | { kind: 'app' }
  | { kind: 'page'; route: string }
  | { kind: 'component'; classPrefix: string };

const BUILT_IN_TAGS = [
  'view', 'text', 'button', 'input', 'textarea', 'image', 'icon', 'scroll-view', 'swiper', 'swiper-item', 'navigator',
  'radio', 'radio-group', 'checkbox', 'checkbox-group', 'label', 'form', 'picker', 'switch', 'slider', 'rich-text',
  'progress', 'block',
];
const TAG = new RegExp(`(^|[\\s>+~(,])(${BUILT_IN_TAGS.map((t) => t.replace('-', '\\-')).join('|')})(?=$|[\\s.#:\\[>+~,)])`, 'g');

export function pageSelector(route: string): string {
  return `.wxpage[data-route="${route}"]`;
}

/** `24rpx` → `calc(var(--rpx) * 24)`; other units untouched. */
export function convertRpx(css: string): string {
  return css.replace(/(-?(?:\d+\.?\d*|\.\d+))rpx\b/g, (_all, n: string) => `calc(var(--rpx) * ${n})`);
}

function rewriteSelector(selector: string, scope: StyleScope): string {
  let s = selector.trim();
  if (!s) return s;
  if (scope.kind === 'component') {
    s = s.replace(/\.(-?[_a-zA-Z][-_a-zA-Z0-9]*)/g, (_all, name: string) => `.${scope.classPrefix}--${name}`);
  }
  s = s.replace(TAG, (_all, before: string, tag: string) => `${before}wx-${tag}`);
  if (scope.kind === 'component') return s;
  const root = scope.kind === 'page' ? pageSelector(scope.route) : '.wxpage';
  // `page` is the page's root element itself; everything else lives inside it.
  if (/^page(?=$|[\s.#:[>+~])/.test(s)) return root + s.slice(4);
  return `${root} ${s}`;
}

/** Splits on commas that are not inside parentheses or brackets (`:not(.a, .b)`). */
function splitSelectors(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of list) {
    if (ch === '(' || ch === '[') depth++;
    if (ch === ')' || ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** Rewrites a style sheet for one scope. Nested blocks (`@media`, `@supports`) are rewritten inside; `@keyframes` kept. */
export function wxssToCss(wxss: string, scope: StyleScope): string {
  const source = wxss.replace(/\/\*[\s\S]*?\*\//g, '');
  let out = '';
  let i = 0;
  const readBlock = (start: number): number => {
    // Returns the index just after the `}` matching the `{` at `start`.
    let depth = 0;
    for (let j = start; j < source.length; j++) {
      if (source[j] === '{') depth++;
      else if (source[j] === '}' && --depth === 0) return j + 1;
    }
    return source.length;
  };
  while (i < source.length) {
    const open = source.indexOf('{', i);
    const semicolon = source.indexOf(';', i);
    if (open === -1) break;
    if (semicolon !== -1 && semicolon < open && source.slice(i, semicolon).trim().startsWith('@')) {
      // `@import "x.wxss";` and the like: the preview inlines nothing, so they are dropped.
      i = semicolon + 1;
      continue;
    }
    const head = source.slice(i, open).trim();
    const end = readBlock(open);
    const body = source.slice(open + 1, end - 1);
    if (head.startsWith('@keyframes') || head.startsWith('@font-face')) {
      out += `${head}{${convertRpx(body)}}\n`;
    } else if (head.startsWith('@')) {
      out += `${head}{\n${wxssToCss(body, scope)}}\n`;
    } else if (head) {
      const selectors = splitSelectors(head).map((s) => rewriteSelector(s, scope)).filter(Boolean);
      out += `${selectors.join(', ')} {${convertRpx(body)}}\n`;
    }
    i = end;
  }
  return out;
}
