// Builds the preview's browser bundle: the preview runtime (browser/) plus the mini-program's own files — every
// page and component of app.json with its compiled TypeScript, its WXML as written and its WXSS made browser CSS.
// Rebuilt when any of those files changes, so an edited page shows on the next reload.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { wxssToCss, type StyleScope } from './wxss';

export interface PreviewModule {
  route: string;
  json: Record<string, unknown>;
  wxml: string;
  css: string;
}

interface AppJson {
  pages: string[];
  window?: Record<string, unknown>;
  tabBar?: unknown;
}

/** A component's class prefix: its folder path made a CSS identifier (components/load-state/index → load-state). */
export function classPrefixOf(route: string): string {
  const parts = route.split('/').filter((p) => p && p !== 'index' && p !== 'components');
  return (parts.join('-') || 'c').replace(/[^-_a-zA-Z0-9]/g, '_');
}

function readJson(file: string): Record<string, unknown> {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
}

/** Every page of app.json and every component they use (transitively), with the text the browser needs. */
export function collectModules(miniprogramRoot: string): { app: AppJson; appCss: string; modules: PreviewModule[] } {
  const app = readJson(join(miniprogramRoot, 'app.json')) as unknown as AppJson;
  const modules = new Map<string, PreviewModule>();
  const visit = (route: string, isPage: boolean) => {
    if (modules.has(route)) return;
    const base = join(miniprogramRoot, route);
    const json = readJson(`${base}.json`);
    const scope: StyleScope = isPage ? { kind: 'page', route } : { kind: 'component', classPrefix: classPrefixOf(route) };
    const wxssFile = `${base}.wxss`;
    modules.set(route, {
      route,
      json,
      wxml: readFileSync(`${base}.wxml`, 'utf8'),
      css: existsSync(wxssFile) ? wxssToCss(readFileSync(wxssFile, 'utf8'), scope) : '',
    });
    const using = (json.usingComponents ?? {}) as Record<string, string>;
    for (const target of Object.values(using)) {
      const child = target.startsWith('/') ? target.slice(1) : posix.join(posix.dirname(route), target);
      visit(posix.normalize(child), false);
    }
  };
  for (const page of app.pages) visit(page, true);
  const appWxss = join(miniprogramRoot, 'app.wxss');
  const appCss = existsSync(appWxss) ? wxssToCss(readFileSync(appWxss, 'utf8'), { kind: 'app' }) : '';
  return { app, appCss, modules: [...modules.values()] };
}

/** The generated module the runtime imports as `preview:manifest`: data as JSON, code as lazy require()s. */
export function manifestSource(miniprogramRoot: string): string {
  const { app, appCss, modules } = collectModules(miniprogramRoot);
  const loader = (file: string) => `() => require(${JSON.stringify(file)})`;
  const entries = modules.map(
    (m) =>
      `${JSON.stringify(m.route)}: { route: ${JSON.stringify(m.route)}, json: ${JSON.stringify(m.json)}, wxml: ${JSON.stringify(m.wxml)}, css: ${JSON.stringify(m.css)}, load: ${loader(join(miniprogramRoot, `${m.route}.ts`))} }`,
  );
  return [
    `export const appJson = ${JSON.stringify(app)};`,
    `export const appCss = ${JSON.stringify(appCss)};`,
    `export const loadApp = ${loader(join(miniprogramRoot, 'app.ts'))};`,
    `export const modules = {\n${entries.join(',\n')}\n};`,
  ].join('\n');
}

function newestChange(dirs: string[]): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  for (const dir of dirs) if (existsSync(dir)) walk(dir);
  return newest;
}

type EsbuildModule = typeof import('esbuild');

/** Bundles on demand and keeps the result until a source file changes. */
export class PreviewBundle {
  private cached?: { stamp: number; code: string };
  private building?: Promise<string>;

  constructor(
    private readonly projectRoot: string,
    private readonly miniprogramRoot = join(projectRoot, 'miniprogram'),
    private readonly runtimeDir = join(projectRoot, 'emulator/src/preview/browser'),
  ) {}

  async code(): Promise<string> {
    const stamp = newestChange([this.miniprogramRoot, this.runtimeDir, join(this.projectRoot, 'typings')]);
    if (this.cached && this.cached.stamp === stamp) return this.cached.code;
    this.building ??= this.build().finally(() => (this.building = undefined));
    const code = await this.building;
    this.cached = { stamp, code };
    return code;
  }

  private async build(): Promise<string> {
    // esbuild is a development dependency, loaded only when someone opens the preview.
    const esbuild = require('esbuild') as EsbuildModule;
    const miniprogramRoot = this.miniprogramRoot;
    const result = await esbuild.build({
      entryPoints: [join(this.runtimeDir, 'main.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      sourcemap: 'inline',
      define: { global: 'globalThis' },
      logLevel: 'silent',
      absWorkingDir: this.projectRoot,
      nodePaths: [join(this.projectRoot, 'node_modules')],
      plugins: [
        {
          name: 'preview-manifest',
          setup(build) {
            build.onResolve({ filter: /^preview:manifest$/ }, () => ({ path: 'manifest', namespace: 'preview' }));
            build.onLoad({ filter: /.*/, namespace: 'preview' }, () => ({
              contents: manifestSource(miniprogramRoot),
              loader: 'js',
              resolveDir: dirname(miniprogramRoot),
              watchFiles: [],
            }));
          },
        },
      ],
    });
    return result.outputFiles[0].text;
  }

  /** Where the runtime's sources are, relative to the project (for error messages). */
  describe(): string {
    return relative(this.projectRoot, this.runtimeDir);
  }
}
