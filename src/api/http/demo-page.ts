/**
 * `GET /demo`: the referral demo's live page (src/demo/referral/page/index.html), served by the same yoga instance
 * as `/graphql` so the page can subscribe over SSE without CORS. A yoga plugin rather than a route in node-server:
 * `createApi({ plugins: [useDemoPage()] })` mounts it; services that do not pass it do not serve the page.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'graphql-yoga';

const PAGE = fileURLToPath(new URL('../../demo/referral/page/index.html', import.meta.url));

export interface DemoPageOptions {
  /** URL path of the page. */
  readonly path?: string;
  /** Read the file on every request (handy while editing the page). */
  readonly reload?: boolean;
}

/** Serves the demo page at `path` (default `/demo`). */
export function useDemoPage({ path = '/demo', reload = false }: DemoPageOptions = {}): Plugin {
  let cached: string | undefined;
  return {
    onRequest({ request, url, endResponse }) {
      if (url.pathname !== path && url.pathname !== `${path}/`) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return endResponse(new Response('method not allowed', { status: 405, headers: { allow: 'GET, HEAD' } }));
      }
      const html = reload || cached === undefined ? (cached = readFileSync(PAGE, 'utf8')) : cached;
      return endResponse(
        new Response(request.method === 'HEAD' ? null : html, {
          status: 200,
          headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
        }),
      );
    },
  };
}
