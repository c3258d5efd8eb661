/**
 * `trailgraph demo referral --url …`: the agents alone against a service that already runs (how the compose stack's
 * `demo` profile uses them) — here a real `trailgraph serve` process on a temp store. Checked from the service's
 * own ledger afterwards, over GraphQL: every referral completed, none twice.
 */
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, it } from 'node:test';

const run = promisify(execFile);
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

let serve: ChildProcess;
let url: string;
const dir = mkdtempSync(join(tmpdir(), 'tg-agents-only-'));

before(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  serve = spawn(process.execPath, ['bin/trailgraph.js', 'serve', '--port', String(port), '--store', join(dir, 'graph.db')], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('serve did not become ready');
});

after(() => {
  serve?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

void it('runs the seven agents against a running service until every referral completed, none twice', { timeout: 120_000 }, async () => {
  const { stdout } = await run(process.execPath, ['bin/trailgraph.js', 'demo', 'referral', '--url', url, '--count', '15', '--rate', '15', '--json', '--timeout', '90']);
  const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { completed: number; count: number };
  assert.deepEqual([result.completed, result.count], [15, 15]);

  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ referrals(first: 100) { totalCount nodes { id status history { type } } } }' }),
  });
  const body = (await res.json()) as { data: { referrals: { totalCount: number; nodes: { id: string; status: string; history: { type: string }[] }[] } } };
  assert.equal(body.data.referrals.totalCount, 15);
  for (const r of body.data.referrals.nodes) {
    assert.equal(r.status, 'completed', r.id);
    for (const t of ['ReferralAccepted', 'AppointmentScheduled', 'ReferralCompleted']) {
      assert.equal(r.history.filter((h) => h.type === t).length, 1, `${r.id}: ${t} once`);
    }
  }
});
