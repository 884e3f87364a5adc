// The gate: every template and style sheet through the official wcc/wcsc, and the whole mini-program through
// miniprogram-ci's compile, offline. Each check is also shown failing on a broken copy, so it cannot pass vacuously.
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MINIPROGRAM_ROOT,
  compileWithMiniprogramCi,
  compileWxml,
  compileWxss,
  filesWithExtension,
  stageMiniprogram,
} from '../../scripts/compile-gate/official-compilers';

const wxmlFiles = filesWithExtension(MINIPROGRAM_ROOT, '.wxml');
const wxssFiles = filesWithExtension(MINIPROGRAM_ROOT, '.wxss');

describe('wcc (official WXML compiler)', () => {
  it('finds the templates of every page and component', () => {
    expect(wxmlFiles).toEqual(expect.arrayContaining(['pages/shop/index.wxml', 'components/load-state/index.wxml']));
    expect(wxmlFiles.length).toBeGreaterThanOrEqual(7);
  });

  it.each(wxmlFiles)('compiles %s', (file) => {
    expect(compileWxml(MINIPROGRAM_ROOT, file)).toEqual({ file, ok: true, message: '' });
  });

  it('refuses an unclosed tag and names the file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wcc-'));
    mkdirSync(join(dir, 'pages/bad'), { recursive: true });
    writeFileSync(join(dir, 'pages/bad/index.wxml'), '<view class="a">\n  <text>{{x}}</text>\n');
    const outcome = compileWxml(dir, 'pages/bad/index.wxml');
    rmSync(dir, { recursive: true, force: true });
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/pages\/bad\/index\.wxml:\d+:\d+/);
  });
});

describe('wcsc (official WXSS compiler)', () => {
  it.each(wxssFiles)('compiles %s', (file) => {
    expect(compileWxss(MINIPROGRAM_ROOT, file)).toEqual({ file, ok: true, message: '' });
  });

  it('refuses a rule that is never closed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wcsc-'));
    writeFileSync(join(dir, 'bad.wxss'), '.a { color: red;\n.b { color: blue; }\n');
    const outcome = compileWxss(dir, 'bad.wxss');
    rmSync(dir, { recursive: true, force: true });
    expect(outcome.ok).toBe(false);
    expect(outcome.message).not.toBe('');
  });
});

describe('miniprogram-ci getCompiledResult (whole mini-program, offline)', () => {
  // miniprogram-ci asks WeChat for an extension whitelist and waits for the network to fail before going on.
  jest.setTimeout(180_000);

  it('compiles every page of app.json with its script, template, style and config', async () => {
    const stage = stageMiniprogram();
    try {
      const outcome = await compileWithMiniprogramCi(stage);
      if (!outcome.ok) throw new Error(outcome.message);
      const files = outcome.files;
      const pages = (require('../../miniprogram/app.json') as { pages: string[] }).pages;
      for (const page of pages) {
        expect(files).toEqual(expect.arrayContaining([`${page}.js`, `${page}.json`, `${page}.wxml`, `${page}.wxss`]));
      }
      expect(files).toEqual(expect.arrayContaining(['app.js', 'app.json', 'components/load-state/index.js']));
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
  });

  it('fails when app.json lists a page that has no files', async () => {
    const stage = stageMiniprogram(MINIPROGRAM_ROOT, (file, text) =>
      file === 'app.json' ? text.replace('"pages/shop/index"', '"pages/shop/missing"') : text,
    );
    try {
      const outcome = await compileWithMiniprogramCi(stage);
      expect(outcome.ok).toBe(false);
      expect(outcome.ok ? '' : outcome.message).toMatch(/pages\/shop\/missing/);
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
  });
});
