/**
 * GraphiQL works with no network: its code is served inline by `serve` itself, so a browser that can reach only
 * the service (every other request aborted) gets a working editor and runs a query.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startServe, type ServeProcess } from '../support/serve-process.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'tg-graphiql-'));
let serve: ServeProcess | undefined;
let browser: Browser | undefined;
after(async () => {
  await browser?.close();
  await serve?.stop();
  rmSync(dir, { recursive: true, force: true });
});

void test('GraphiQL renders and runs a query with every request off the service blocked', { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`, timeout: 180_000 }, async () => {
  serve = await startServe(['--store', join(dir, 'graph.db'), '--ontology', 'ontology/referral'], { env: { TRAILGRAPH_MODE: 'development' } });
  const origin = serve.url;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const page = await browser.newPage();
  const blocked: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${origin}/graphql`);
  await page.waitForSelector('.graphiql-container', { timeout: 60_000 });
  assert.deepEqual(blocked.filter((u) => /\.(m?js|css)(\?|$)/.test(u)), [], 'no script or style comes from elsewhere');

  // The default query asks for headSeq and the ontology; run it with the execute button.
  // The editor mounts after the container; a click before that does nothing, so click until an answer shows.
  const answered = (): Promise<boolean> => page.$eval('.graphiql-response', (e) => /"version":\s*"2\.0\.0"/.test(e.textContent ?? '')).catch(() => false);
  for (let i = 0; !(await answered()); i++) {
    assert.ok(i < 60, `GraphiQL showed no answer: ${await page.$eval('.graphiql-response', (e) => e.textContent).catch(() => '(no response pane)')}`);
    await page.click('.graphiql-execute-button');
    await page.waitForTimeout(1000);
  }
  assert.deepEqual(errors, []);
});
