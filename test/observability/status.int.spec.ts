/**
 * Coordination health at a glance: GET /status and `trailgraph status` on a real server — lag, dead letters by
 * reason, subscribers, the oldest waiting mark, claims near expiry, time-to-consistency quantiles.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StatusReport } from '../../src/app/status.ts';
import { createClient } from '../../src/client/index.ts';
import { startDemoService, type DemoService } from '../../src/demo/referral/service.ts';
import { patient, referral } from './support.ts';

const dir = mkdtempSync(join(tmpdir(), 'tg-status-'));
let svc: DemoService;
before(async () => {
  svc = await startDemoService({ port: 0, storePath: join(dir, 'graph.db') });
});
after(async () => {
  await svc.close();
  rmSync(dir, { recursive: true, force: true });
});

void it('reports lag, dead letters, subscribers, what waits and time to consistency', async () => {
  const tg = createClient({ url: svc.url, agent: 'agent://intake' });
  const stream = tg.subscribe({ eventTypes: ['ReferralRequested'] });
  const first = stream[Symbol.asyncIterator]().next();
  for (let i = 0; i < 200 && svc.marks.feed.stats().subscribers < 1; i++) await sleep(50);
  await tg.publish(patient('p-st'));
  await tg.publish(referral('r-st', 'p-st'));
  await first;
  await assert.rejects(tg.publish({ ...patient('p-bad'), data: { '@type': 'Patient', id: 'p-bad', name: 'X', birthDate: '1970-01-01', mrn: 'nope' } }));
  await tg.leaveMark({ on: 'r-st', kind: 'needs-insurance-check', strength: 1, halfLifeMs: 600_000 });
  await tg.claim('r-st', 'insurance', 120_000);
  await tg.claim('p-st', 'billing', 600_000); // far from expiry: not listed

  const res = await fetch(`${svc.url}/status?nearExpiryMs=300000`);
  assert.equal(res.status, 200);
  const s = (await res.json()) as StatusReport;
  assert.equal(s.mode, 'embedded');
  assert.equal(s.projectorLag, 0);
  assert.ok(s.headSeq >= 4);
  assert.deepEqual(s.deadLetters, { total: 1, byReason: { invalid: 1 } });
  assert.ok(s.subscribers >= 1);
  assert.equal(s.oldestWaitingMark?.nodeId, 'r-st');
  assert.equal(s.oldestWaitingMark.kind, 'needs-insurance-check');
  assert.deepEqual(s.claimsNearExpiry.map((c) => [c.nodeId, c.purpose, c.agent]), [['r-st', 'insurance', 'agent://intake']]);
  assert.ok((s.claimsNearExpiry[0]?.expiresInMs ?? 0) > 0);
  assert.ok((s.timeToConsistency?.publishToCommit.count ?? 0) >= 2);
  assert.ok((s.timeToConsistency?.publishToCommit.p50Ms ?? -1) >= 0);
  assert.ok((s.timeToConsistency?.commitToDelivery.count ?? 0) >= 1);
  assert.ok((s.timeToConsistency?.commitToDelivery.p99Ms ?? -1) >= 0);
  stream.close();
  const defaults = (await (await fetch(`${svc.url}/status`)).json()) as StatusReport;
  assert.deepEqual(defaults.claimsNearExpiry, [], 'nothing lapses within the default 10 s');
  assert.equal((await fetch(`${svc.url}/status?nearExpiryMs=soon`)).status, 400);

  const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['bin/trailgraph.js', 'status', '--url', svc.url, '--near-expiry', '300000'], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? 1 : 0, stdout, stderr }));
  });
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /lag {9}0 event\(s\) not yet projected/);
  assert.match(out.stdout, /dead letters 1 \(invalid 1\)/);
  assert.match(out.stdout, /oldest mark needs-insurance-check on r-st for \d+ s/);
  assert.match(out.stdout, /insurance on r-st by agent:\/\/intake lapses in \d+(\.\d)? s/);
  assert.match(out.stdout, /consistency publish→commit p50 [\d.]+ ms, p99 [\d.]+ ms \(\d+\)/);
});
