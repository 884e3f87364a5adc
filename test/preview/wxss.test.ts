// WXSS as the preview applies it: rpx against the frame, built-in tags as the renderer's elements, page rules
// kept to their page, component classes prefixed.
import { convertRpx, pageSelector, wxssToCss } from '../../emulator/src/preview/wxss';
import { classPrefixOf, collectModules } from '../../emulator/src/preview/bundle';
import { join } from 'node:path';
import { projectRoot } from '../helpers/local-cloud';

describe('WXSS for the browser preview', () => {
  it('scales rpx with the frame and leaves other units alone', () => {
    expect(convertRpx('padding: 24rpx 0.5rpx; margin: -8rpx; width: 10px')).toBe(
      'padding: calc(var(--rpx) * 24) calc(var(--rpx) * 0.5); margin: calc(var(--rpx) * -8); width: 10px',
    );
  });

  it('keeps a page’s rules to that page, `page` being its root, and built-in tags as wx- elements', () => {
    const css = wxssToCss('page { background: #f5f5f5 }\n.card view, text.hint { color: red }', { kind: 'page', route: 'pages/shop/index' });
    const root = pageSelector('pages/shop/index');
    expect(css).toContain(`${root} { background: #f5f5f5 }`);
    expect(css).toContain(`${root} .card wx-view, ${root} wx-text.hint { color: red }`);
  });

  it('applies app.wxss to every page and prefixes a component’s classes', () => {
    expect(wxssToCss('.btn { padding: 12rpx }', { kind: 'app' })).toBe('.wxpage .btn { padding: calc(var(--rpx) * 12) }\n');
    expect(wxssToCss('.retry.on:not(.x) { color: blue }', { kind: 'component', classPrefix: 'load-state' })).toBe(
      '.load-state--retry.load-state--on:not(.load-state--x) { color: blue }\n',
    );
  });

  it('rewrites inside @media, keeps @keyframes, drops comments', () => {
    const css = wxssToCss('/* c */ @media (min-width: 100px) { .a { top: 2rpx } } @keyframes k { from { left: 0rpx } }', { kind: 'app' });
    expect(css).toContain('@media (min-width: 100px){\n.wxpage .a { top: calc(var(--rpx) * 2) }');
    expect(css).toContain('@keyframes k{ from { left: calc(var(--rpx) * 0) } }');
    expect(css).not.toContain('/*');
  });

  it('collects every page of app.json and the components they use, from the project’s own files', () => {
    const { app, modules } = collectModules(join(projectRoot, 'miniprogram'));
    const routes = modules.map((m) => m.route);
    expect(routes).toEqual(expect.arrayContaining([...app.pages, 'components/load-state/index']));
    const component = modules.find((m) => m.route === 'components/load-state/index');
    expect(component?.css).toContain(`.${classPrefixOf('components/load-state/index')}--load-state`);
  });
});
