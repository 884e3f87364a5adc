// `/preview`: the mini-program's own pages in the browser, backed by this local cloud. See docs/preview.md.
import { join } from 'node:path';
import type { HttpReply, LocalCloudHost } from '../contracts';
import { PreviewBundle } from './bundle';
import { previewShell } from './shell';

export interface PreviewOptions {
  projectRoot: string;
}

export function installPreview(host: LocalCloudHost, options: PreviewOptions): void {
  const bundle = new PreviewBundle(options.projectRoot, join(options.projectRoot, 'miniprogram'));
  host.registerRoute('GET', /^\/preview\/?$/, () => html(previewShell(host.env)));
  host.registerRoute('GET', /^\/preview\/app\.js$/, async (): Promise<HttpReply> => {
    try {
      const code = await bundle.code();
      return { status: 200, headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' }, body: code };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      host.log('preview.build-failed', { message });
      // The page shows why instead of a blank phone.
      const script = `document.getElementById('pages').textContent = ${JSON.stringify(`the preview could not be built: ${message}`)};`;
      return { status: 500, headers: { 'content-type': 'text/javascript; charset=utf-8' }, body: script };
    }
  });
}

function html(body: string): HttpReply {
  return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, body };
}
