/**
 * The demo page in a real headless Chromium, during a real demo run: referral nodes appear, change state as the
 * agents work (pushed over SSE, no polling), marks show up while the insurance agent is stopped; clicking a
 * referral shows its process (causalProcess) as a sequence diagram — agent lanes, which event caused which, reaction
 * times, what still waits — kept current as the referral moves. Saves the screenshot used in docs/demo.md.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

interface ShownStep { seq: number; type: string; agent: string; event: string; causedBy: string; reactionMs: string; when: string; reaction: string | null }
interface ShownProcess { referral: string; correlation: string; lanes: string[]; steps: ShownStep[]; waiting: { kind: string; agent: string; text: string }[]; items: string[] }

/** What the process panel shows, read from its DOM. */
function shownProcess(page: Page): Promise<ShownProcess> {
  return page.evaluate(() => {
    const box = document.getElementById('process') as HTMLElement;
    return {
      referral: box.dataset.of ?? '',
      correlation: box.dataset.correlation ?? '',
      lanes: [...box.querySelectorAll('[data-lane]')].map((e) => e.getAttribute('data-lane') ?? ''),
      steps: [...box.querySelectorAll('.step')].map((g) => {
        const event = g.getAttribute('data-event') ?? '';
        return {
          seq: Number(g.getAttribute('data-seq')), type: g.getAttribute('data-type') ?? '', agent: g.getAttribute('data-agent') ?? '', event,
          causedBy: g.getAttribute('data-caused-by') ?? '', reactionMs: g.getAttribute('data-reaction-ms') ?? '',
          when: g.querySelector('.when')?.textContent ?? '',
          reaction: [...box.querySelectorAll('.reaction')].find((r) => r.getAttribute('data-for') === event)?.textContent ?? null,
        };
      }),
      waiting: [...box.querySelectorAll('.wait')].map((g) => ({ kind: g.getAttribute('data-waiting') ?? '', agent: g.getAttribute('data-agent') ?? '', text: g.textContent ?? '' })),
      items: [...box.querySelectorAll('ul.waiting li')].map((li) => li.textContent ?? ''),
    };
  });
}

/** Clicks referral `id` on the graph and waits for its process to be drawn. */
async function openProcess(page: Page, id: string): Promise<ShownProcess> {
  await page.click(`[data-referral="${id}"]`);
  await page.waitForSelector(`#process[data-of="${id}"][data-state="ready"] .step`, { timeout: 30_000 });
  return shownProcess(page);
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

  // Click a referral waiting for insurance: its process so far, and what waits — the mark intake left on it.
  const waitingId = await page.evaluate(() => [...document.querySelectorAll('[data-mark="yes"][data-status="requested"]')].map((g) => g.getAttribute('data-referral')).sort()[0]);
  assert.ok(waitingId, 'a referral waits for insurance while the agent is stopped');
  const waiting = await openProcess(page, waitingId);
  assert.equal(waiting.correlation, `request-${waitingId}`);
  assert.deepEqual(waiting.steps[0] && [waiting.steps[0].type, waiting.steps[0].agent, waiting.steps[0].causedBy], ['ReferralRequested', 'agent://intake', '']);
  assert.equal(waiting.lanes[0], 'agent://intake');
  // The insurance agent takes the mark away only after verifying: until the chain shows that, the mark is waiting.
  if (!waiting.steps.some((st) => st.type === 'InsuranceVerified')) {
    const mark = waiting.waiting.find((w) => w.kind === 'mark');
    assert.ok(mark, `the open mark is shown waiting: ${JSON.stringify(waiting)}`);
    assert.equal(mark.agent, 'agent://intake');
    assert.match(mark.text, /needs-insurance-check \d\.\d\d/);
    assert.ok(waiting.items.some((t) => new RegExp(`^waiting: mark needs-insurance-check on ${waitingId}, strength \\d\\.\\d\\d, left by intake`).test(t)), waiting.items.join('\n'));
  }

  // …and the same node changes state as agents react, pushed over SSE.
  await page.waitForFunction(() => document.querySelector('[data-referral="r-0001"]')?.getAttribute('data-status') === 'completed', undefined, { timeout: 90_000 });
  assert.equal(await statusOf('r-0001'), 'completed');

  // The open process follows its referral as it moves: no click, no polling — the referral's marks trigger a re-read.
  await page.waitForFunction((id) => document.querySelector(`#process[data-of="${id}"] .step[data-type="ReferralCompleted"]`) !== null, waitingId, { timeout: 120_000 });
  const done = await shownProcess(page);
  assert.ok(!done.waiting.some((w) => w.text.includes('needs-insurance-check')), 'the answered mark no longer waits');

  // A completed referral: the chain of agents in causal order, each reaction with its time.
  const chain = await openProcess(page, 'r-0001');
  assert.equal(chain.correlation, 'request-r-0001');
  const byType = (type: string): ShownStep => {
    const st = chain.steps.find((x) => x.type === type);
    assert.ok(st, `${type} is in the chain: ${JSON.stringify(chain.steps)}`);
    return st;
  };
  const requested = byType('ReferralRequested'), verified = byType('InsuranceVerified'), accepted = byType('ReferralAccepted');
  const scheduled = byType('AppointmentScheduled'), completed = byType('ReferralCompleted');
  assert.deepEqual([requested.agent, verified.agent, scheduled.agent, completed.agent], ['agent://intake', 'agent://insurance', 'agent://scheduler', 'agent://notifier']);
  assert.match(accepted.agent, /^agent:\/\/matcher-[12]$/);
  // Which event caused which: insurance reacted to the request, the scheduler to the acceptance, the notifier to the
  // appointment; the matcher to whichever of insurance or lab it sensed last — and nothing is left without a cause.
  assert.equal(verified.causedBy, requested.event);
  assert.equal(scheduled.causedBy, accepted.event);
  assert.equal(completed.causedBy, scheduled.event);
  assert.ok(['InsuranceVerified', 'LabResulted'].includes(chain.steps.find((x) => x.event === accepted.causedBy)?.type ?? ''), `the matcher reacted to insurance or lab: ${JSON.stringify(chain.steps)}`);
  assert.deepEqual(chain.steps.filter((x) => x.causedBy === '').map((x) => x.type), ['ReferralRequested'], 'one root: the request');
  // Commit order, lanes in order of each agent's first step, times and reaction times shown.
  assert.deepEqual(chain.steps.map((x) => x.seq), [...chain.steps.map((x) => x.seq)].sort((a, b) => a - b));
  assert.deepEqual(chain.lanes.slice(0, 2), ['agent://intake', chain.steps[1]?.agent]);
  assert.ok(chain.lanes.indexOf(accepted.agent) < chain.lanes.indexOf('agent://scheduler') && chain.lanes.indexOf('agent://scheduler') < chain.lanes.indexOf('agent://notifier'), chain.lanes.join(' '));
  assert.match(requested.when, /^\+0 ms · \d\d:\d\d:\d\d\.\d{3}$/);
  for (const st of chain.steps.slice(1)) {
    assert.match(st.when, /^\+\d+(\.\d+)? (ms|s) · \d\d:\d\d:\d\d\.\d{3}$/, st.type);
    assert.ok(Number(st.reactionMs) >= 0, `${st.type} has a reaction time`);
    assert.match(st.reaction ?? '', /^\+\d+(\.\d+)? (ms|s)$/, `${st.type}'s arrow carries its reaction time`);
  }

  // The screenshot: mid-run, after recovery — mixed states, marks fading, lines to specialists, one referral's process.
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
