/**
 * The emergent process made visible: events published in reaction to marks (the client sets causation and
 * correlation) are reconstructed from the ledger as a causal DAG over GraphQL (`causalProcess`) and printed by
 * `trailgraph trace` — by correlation id or by any event id — with what is still waiting.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createClient, type Mark } from '../../src/client/index.ts';
import { startDemoService, type DemoService } from '../../src/demo/referral/service.ts';
import { patient, referral } from './support.ts';

/** Runs the CLI without blocking this process (the service under test lives here). */
function cli(args: readonly string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/trailgraph.js', ...args], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

interface Step { eventId: string; type: string; agent: string; depth: number; causedBy: string | null; reactionMs: number | null; effects: string[] }

void describe('process visibility', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-process-'));
  let svc: DemoService;
  before(async () => {
    svc = await startDemoService({ port: 0, storePath: join(dir, 'graph.db') });
  });
  after(async () => {
    await svc.close();
    rmSync(dir, { recursive: true, force: true });
  });

  void it('reconstructs who reacted to what, by which agent, and what still waits', async () => {
    const intake = createClient({ url: svc.url, agent: 'agent://intake' });
    const insurance = createClient({ url: svc.url, agent: 'agent://insurance' });
    await intake.publish(patient('p-pv'));
    const stream = insurance.subscribe({ eventTypes: ['ReferralRequested'] });
    const it1 = stream[Symbol.asyncIterator]();
    const next = it1.next();
    await new Promise((r) => setTimeout(r, 200));
    const root = referral('r-pv', 'p-pv', { correlationid: 'corr-pv' });
    await intake.publish(root);
    const mark = (await next).value as Mark;
    stream.close();
    // The insurance agent reacts to the mark: the client sets causationid and correlationid from it.
    const verified = {
      specversion: '1.0', id: 'ins-pv', source: 'agent://insurance', type: 'InsuranceVerified', subject: 'Referral/r-pv',
      data: { '@type': 'Referral', id: 'r-pv', status: 'insurance-verified', hasInsuranceVerification: { '@type': 'InsuranceVerification', id: 'iv-pv', status: 'verified', verifiedAt: new Date().toISOString(), payer: 'Acme' } },
    };
    await insurance.publish(verified, { causedBy: mark });
    const triage = createClient({ url: svc.url, agent: 'agent://triage' });
    await triage.publish({ specversion: '1.0', id: 'tri-pv', source: 'agent://triage', type: 'ReferralTriaged', subject: 'Referral/r-pv', data: { '@type': 'Referral', id: 'r-pv', triageLevel: 'soon' } }, { causedBy: { eventId: 'ins-pv', correlationid: 'corr-pv' } });
    await insurance.claim('r-pv', 'scheduling', 60_000);
    await intake.leaveMark({ on: 'r-pv', kind: 'needs-scheduling', strength: 1, halfLifeMs: 60_000 });

    for (const id of ['corr-pv', 'tri-pv', root.id as string]) {
      const d = await intake.query<{ causalProcess: { correlationId: string; agents: string[]; roots: string[]; steps: Step[]; waiting: { marks: { kind: string }[]; claims: { purpose: string; agent: string }[] } } }>(
        `query Trace($id: String!) { causalProcess(id: $id) { correlationId agents roots steps { eventId type agent depth causedBy reactionMs effects }
          waiting { marks { kind } claims { purpose agent } } } }`, { id });
      const p = d.causalProcess;
      assert.equal(p.correlationId, 'corr-pv', `by ${id}`);
      assert.deepEqual(p.steps.map((s) => [s.type, s.agent, s.depth, s.causedBy]), [
        ['ReferralRequested', 'agent://intake', 0, null],
        ['InsuranceVerified', 'agent://insurance', 1, root.id],
        ['ReferralTriaged', 'agent://triage', 2, 'ins-pv'],
      ]);
      assert.deepEqual(p.roots, [root.id]);
      assert.deepEqual(p.agents, ['agent://intake', 'agent://insurance', 'agent://triage']);
      assert.ok((p.steps[1]?.reactionMs ?? -1) >= 0);
      assert.deepEqual(p.steps[0]?.effects, ['ins-pv']);
      assert.deepEqual(p.waiting.marks.map((m) => m.kind), ['needs-scheduling']);
      assert.deepEqual(p.waiting.claims.map((c) => [c.purpose, c.agent]), [['scheduling', 'agent://insurance']]);
    }
    const none = await intake.query<{ causalProcess: unknown }>('query { causalProcess(id: "nope") { correlationId } }');
    assert.equal(none.causalProcess, null);

    // The CLI, against the running service and against the store file.
    for (const args of [['--url', svc.url], ['--store', join(dir, 'graph.db')]]) {
      const out = await cli(['trace', 'ins-pv', ...args]);
      assert.equal(out.status, 0, out.stderr);
      assert.match(out.stdout, /^process corr-pv: 3 event\(s\) by 3 agent\(s\)/);
      assert.match(out.stdout, /#\d+ ReferralRequested on Referral\/r-pv {2}by agent:\/\/intake/);
      assert.match(out.stdout, /\n {2}└─ #\d+ InsuranceVerified on Referral\/r-pv {2}by agent:\/\/insurance {2}\+\d+ ms {2}\(ins-pv\)/);
      assert.match(out.stdout, /\n {4}└─ #\d+ ReferralTriaged on Referral\/r-pv {2}by agent:\/\/triage/);
      assert.match(out.stdout, /waiting: mark needs-scheduling on r-pv/);
      assert.match(out.stdout, /waiting: claim scheduling on r-pv held by agent:\/\/insurance/);
    }
    const missing = await cli(['trace', 'nope', '--url', svc.url]);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /no event and no correlation with id nope/);
  });

  void it('follows a cause that touched only another node (a lab result on the lab order) into the chain', async () => {
    const intake = createClient({ url: svc.url, agent: 'agent://intake' });
    const lab = createClient({ url: svc.url, agent: 'agent://lab' });
    const triage = createClient({ url: svc.url, agent: 'agent://triage' });
    await intake.publish(patient('p-lab'));
    const root = referral('r-lab', 'p-lab', { correlationid: 'corr-lab' });
    await intake.publish(root);
    const labEvent = (id: string, type: string, data: unknown): Record<string, unknown> =>
      ({ specversion: '1.0', id, source: 'agent://lab', type, subject: 'Referral/r-lab', time: new Date().toISOString(), data });
    await lab.publish(labEvent('lab-ordered-r-lab', 'LabOrdered', { '@type': 'LabOrder', id: 'lab-r-lab', testCode: '6598-7', testName: 'Troponin', status: 'ordered', orderedAt: new Date().toISOString(), forReferral: 'r-lab' }),
      { causedBy: { eventId: root.id as string, correlationid: 'corr-lab' } });
    // The result changes the lab order and the result, not the referral (its link to the referral is already there): the referral's history has no trace of it.
    await lab.publish(labEvent('lab-resulted-r-lab', 'LabResulted', { '@graph': [
      { '@type': 'LabResult', id: 'result-r-lab', ofOrder: 'lab-r-lab', value: 0.01, unit: 'ng/mL', interpretation: 'normal', resultedAt: new Date().toISOString() },
      { '@type': 'LabOrder', id: 'lab-r-lab', status: 'resulted', forReferral: 'r-lab' },
    ] }), { causedBy: { eventId: 'lab-ordered-r-lab', correlationid: 'corr-lab' } });
    await triage.publish({ specversion: '1.0', id: 'tri-lab', source: 'agent://triage', type: 'ReferralTriaged', subject: 'Referral/r-lab', data: { '@type': 'Referral', id: 'r-lab', triageLevel: 'soon' } },
      { causedBy: { eventId: 'lab-resulted-r-lab', correlationid: 'corr-lab' } });
    const history = await svc.runtime.store.history('r-lab');
    assert.ok(!history.some((e) => e.eventId === 'lab-resulted-r-lab'), 'the premise: the referral\'s history misses the lab result');

    const d = await intake.query<{ causalProcess: { roots: string[]; steps: Step[]; truncated: boolean } }>(
      'query Trace($id: String!) { causalProcess(id: $id) { roots truncated steps { eventId type agent depth causedBy } } }', { id: 'corr-lab' });
    assert.deepEqual(d.causalProcess.steps.map((s) => [s.type, s.agent, s.depth, s.causedBy]), [
      ['ReferralRequested', 'agent://intake', 0, null],
      ['LabOrdered', 'agent://lab', 1, root.id],
      ['LabResulted', 'agent://lab', 2, 'lab-ordered-r-lab'],
      ['ReferralTriaged', 'agent://triage', 3, 'lab-resulted-r-lab'],
    ]);
    assert.deepEqual(d.causalProcess.roots, [root.id]);
    assert.equal(d.causalProcess.truncated, false);
  });
});
