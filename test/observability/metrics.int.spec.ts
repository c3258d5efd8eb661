/**
 * /metrics on a real server (the same composition as `trailgraph serve`, referral ontology, SQLite file): each
 * metric moves as events, claims, marks, subscriptions and GraphQL operations go through it over HTTP, and the
 * exposition passes `promtool check metrics` (Prometheus' own linter).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type Mark } from '../../src/client/index.ts';
import { startDemoService, type DemoService } from '../../src/demo/referral/service.ts';
import { patient, referral, scrape, sample } from './support.ts';

const PROMTOOL = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => spawnSync(p, ['--version']).status === 0);

void describe('Prometheus /metrics', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-metrics-'));
  let svc: DemoService;
  before(async () => {
    svc = await startDemoService({ port: 0, storePath: join(dir, 'graph.db') });
  });
  after(async () => {
    await svc.close();
    rmSync(dir, { recursive: true, force: true });
  });

  void it('every listed metric moves as traffic goes through the server', async () => {
    const before = await scrape(svc.url);
    const tg = createClient({ url: svc.url, agent: 'agent://intake' });
    const other = createClient({ url: svc.url, agent: 'agent://other' });

    // A live subscriber (commit → delivery) and one that never reads (cut off as slow).
    const stream = tg.subscribe({ eventTypes: ['ReferralRequested'] });
    const it1 = stream[Symbol.asyncIterator]();
    const first = it1.next();
    const slow = svc.marks.feed.subscribe({}, { queueLimit: 1 });
    let during = await scrape(svc.url);
    for (let i = 0; i < 200 && sample(during, 'trailgraph_mark_subscribers') < 2; i++) {
      await sleep(50);
      during = await scrape(svc.url);
    }
    assert.ok(sample(during, 'trailgraph_mark_subscribers') >= 2, 'both subscribers are counted');

    await tg.publish(patient('p-m1'));
    const r1 = referral('r-m1', 'p-m1');
    await tg.publish(r1);
    await tg.publish(r1); // duplicate
    await assert.rejects(tg.publish({ ...referral('r-m2', 'p-m1'), data: { ...(referral('r-m2', 'p-m1').data as object), triageLevel: 'whenever' } }));
    assert.equal(((await first).value as Mark).type, 'ReferralRequested');

    const granted = await tg.claim('r-m1', 'insurance', 60_000);
    assert.equal(granted.granted, true);
    assert.equal((await other.claim('r-m1', 'insurance', 60_000)).granted, false);
    assert.equal((await other.claim('p-m1', 'billing', 50)).granted, true); // expires at the next sweep
    await tg.leaveMark({ on: 'r-m1', kind: 'needs-insurance-check', strength: 1, ttlMs: 50 }); // evaporates
    await tg.query('query ReferralStatus($id: ID!) { referral(id: $id) { status } }', { id: 'r-m1' });

    // The sweeper runs every 200 ms here: wait (bounded) for the expiry and the evaporation.
    let after = await scrape(svc.url);
    for (let i = 0; i < 100 && (sample(after, 'trailgraph_claims_total', { outcome: 'expired' }) < 1 || sample(after, 'trailgraph_marks_evaporated_total') < 1); i++) {
      await sleep(100);
      after = await scrape(svc.url);
    }
    const moved = (name: string, labels: Record<string, string> = {}, by = 1): void => {
      const d = sample(after, name, labels) - sample(before, name, labels);
      assert.ok(d >= by, `${name}${JSON.stringify(labels)} moved by ${d}, expected at least ${by}`);
    };
    moved('trailgraph_events_received_total', { type: 'ReferralRequested' }, 3);
    moved('trailgraph_events_received_total', { type: 'PatientRegistered' });
    moved('trailgraph_events_applied_total', { type: 'ReferralRequested' });
    moved('trailgraph_events_duplicate_total', { type: 'ReferralRequested' });
    moved('trailgraph_events_rejected_total', { type: 'ReferralRequested', reason: 'invalid' });
    moved('trailgraph_dead_letters_total', { reason: 'invalid' });
    moved('trailgraph_dead_letters');
    moved('trailgraph_publish_to_commit_seconds_count', {}, 2);
    moved('trailgraph_commit_to_delivery_seconds_count');
    moved('trailgraph_slow_subscriber_cutoffs_total');
    moved('trailgraph_claims_total', { outcome: 'granted' }, 2);
    moved('trailgraph_claims_total', { outcome: 'contended' });
    moved('trailgraph_claims_total', { outcome: 'expired' });
    moved('trailgraph_marks_evaporated_total');
    moved('trailgraph_graphql_operation_duration_seconds_count', { operation: 'ReferralStatus', type: 'query', outcome: 'ok' });
    assert.ok(Number.isFinite(sample(after, 'nodejs_eventloop_lag_seconds')), 'event-loop lag is exported');
    assert.equal(sample(after, 'trailgraph_projector_lag_events'), 0, 'embedded mode applies synchronously');
    assert.ok(!/evt-|r-m1|p-m1|agent:\/\//.test(after.text), 'no ids or agents in label values');
    await assert.rejects(slow.next(), /resume/i);
    stream.close();
  });

  void it('the exposition passes promtool check metrics', { skip: PROMTOOL || process.env.CI ? false : 'promtool not installed (Debian package prometheus)' }, async () => {
    assert.ok(PROMTOOL, 'promtool is required in CI (.ci/run installs the Debian package prometheus)');
    const { text } = await scrape(svc.url);
    const res = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(res.status, 0, `promtool check metrics:\n${res.stdout}${res.stderr}`);
  });
});
