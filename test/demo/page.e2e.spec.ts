/**
 * The demo page in a real headless Chromium, during a real demo run: referral nodes appear, change state as the
 * agents work (pushed over SSE, no polling), marks show up while the insurance agent is stopped. Saves the
 * screenshot used in docs/demo.md.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

let browser: Browser | undefined;
const children: ReturnType<typeof spawn>[] = [];
after(async () => {
  await browser?.close();
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
});

void it('shows referrals appearing and moving through their states, live', { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}` }, async () => {
  const port = await freePort();
  const demo = spawn(process.execPath, ['bin/trailgraph.js', 'demo', 'referral', '--count', '60', '--rate', '6', '--port', String(port), '--chaos', 'insurance', '--stall', '5000', '--keep-open', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(demo);
  let stdout = '';
  let stderr = '';
  demo.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
  demo.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  // Auth is on: the demo prints the page URL with the page's read-only token in its fragment.
  let url: string | undefined;
  for (let i = 0; !url; i++) {
    url = /watch it live at (http:\/\/\S+\/demo#token=\S+)/.exec(stderr)?.[1];
    assert.ok(i < 300, `the demo printed its page URL:\n${stderr}`);
    if (!url) await sleep(200);
  }

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector('#conn.live', { timeout: 30_000 });

  // Nodes appear as intake admits patients.
  await page.waitForFunction(() => document.querySelectorAll('[data-referral]').length >= 5, undefined, { timeout: 60_000 });
  const statusOf = (id: string) => page.getAttribute(`[data-referral="${id}"]`, 'data-status');
  // A waiting mark shows while the insurance agent is stopped.
  await page.waitForFunction(() => document.querySelectorAll('[data-mark="yes"]').length >= 3, undefined, { timeout: 60_000 });
  // …and the same node changes state as agents react, pushed over SSE.
  await page.waitForFunction(() => document.querySelector('[data-referral="r-0001"]')?.getAttribute('data-status') === 'completed', undefined, { timeout: 90_000 });
  assert.equal(await statusOf('r-0001'), 'completed');

  // The screenshot: mid-run, after recovery — mixed states, marks fading, lines to specialists.
  await page.waitForFunction(() => document.querySelectorAll('[data-status="completed"]').length >= 25, undefined, { timeout: 120_000 });
  await page.screenshot({ path: 'docs/demo-screenshot.png' });

  await page.waitForFunction(() => document.querySelectorAll('[data-status="completed"]').length === 60, undefined, { timeout: 120_000 });
  assert.equal(await page.locator('[data-referral]').count(), 60);
  assert.equal(await page.locator('[data-counter="ReferralCompleted"] b').innerText(), '60');
  assert.deepEqual(errors, []);

  for (let i = 0; !stdout.includes('"ok"') && i < 150; i++) await sleep(200);
  const summary = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { ok?: boolean; completed?: number };
  assert.equal(summary.ok, true);
  demo.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => (demo.exitCode !== null ? r(demo.exitCode) : demo.on('exit', r)));
  assert.equal(code, 0);
});
