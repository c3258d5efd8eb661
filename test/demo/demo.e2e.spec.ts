/**
 * The referral demo end to end: real agent processes, the real service, SQLite on disk — embedded, over a real
 * nats-server, and under chaos. What a user would check: every referral completes, none twice, every dead letter
 * explained, and after a stalled insurance agent or a killed matcher the system catches up on its own.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hasNatsServer, startNatsServer, type NatsServer } from '../support/nats-server.ts';
import { runDemoProcess, type DemoResult } from './run-demo.ts';

function assertClean({ code, summary, stderr }: DemoResult, count: number): void {
  assert.equal(summary.completed, count, `completed ${summary.completed}/${count}; stderr tail:\n${stderr.slice(-1500)}`);
  assert.equal(summary.requested, count);
  assert.equal(summary.duplicates.referrals, 0, JSON.stringify(summary.duplicates.details));
  assert.equal(summary.deadLetters.unexplained, 0, JSON.stringify(summary.deadLetters.items));
  for (const t of ['ReferralAccepted', 'AppointmentScheduled', 'ReferralCompleted', 'InsuranceVerified']) assert.equal(summary.stages[t], count, t);
  assert.equal(summary.stages.LabOrdered, summary.stages.LabResulted, 'every lab ordered got its result');
  assert.ok(summary.timeToConsistencyMs.samples > count, 'reactions were measured');
  assert.equal(summary.timeToConsistencyMs.open, 0, 'every event got a reaction from every interested agent');
  assert.equal(summary.ok, true);
  assert.equal(code, 0);
}

void describe('trailgraph demo referral', () => {
  void it('completes every referral exactly once on the embedded store', async () => {
    const result = await runDemoProcess(['--count', '20', '--rate', '20']);
    assertClean(result, 20);
    assert.equal(result.summary.mode, 'embedded');
    // p-0018 arrives as a malformed legacy record first: one dead letter, explained. The only others a run may have
    // are accepts refused by the claim's fencing token (a matcher whose lease ran out on a loaded machine).
    const letters = result.summary.deadLetters.items;
    assert.deepEqual(letters.filter((l) => l.eventId === 'legacy-patient-p-0018').length, 1, JSON.stringify(letters));
    for (const l of letters.filter((x) => x.eventId !== 'legacy-patient-p-0018')) assert.match(`${l.eventId} ${l.message}`, /^accept-r-\d+ .*stale claim token/);
  });

  void describe('over NATS JetStream', { skip: !hasNatsServer() && !process.env.CI ? 'nats-server not installed' : false }, () => {
    let nats: NatsServer;
    before(async () => {
      nats = await startNatsServer({ jetstream: true });
    });
    after(async () => {
      await nats?.stop();
    });
    void it('runs the same agents with the service in NATS mode', async () => {
      const result = await runDemoProcess(['--count', '20', '--rate', '20', '--nats', nats.url]);
      assertClean(result, 20);
      assert.equal(result.summary.mode, 'nats');
    });
  });

  void it('--chaos: intake keeps going while insurance is stopped, the backlog drains, a killed matcher is taken over, the rogue agent is refused', async () => {
    const result = await runDemoProcess(['--count', '40', '--rate', '10', '--chaos', '--stall', '3000']);
    assertClean(result, 40);
    assert.equal(result.summary.auth, true, 'auth is on by default: every agent with its own token');
    const rogue = result.summary.chaos?.rogue;
    assert.ok(rogue && rogue.attempts.length === 4, `the rogue agent ran: ${JSON.stringify(rogue)}`);
    for (const a of rogue.attempts) assert.equal(a.denied, true, `${a.attack}: ${a.answer}`);
    assert.ok(result.summary.deadLetters.items.filter((l) => l.eventId?.startsWith('rogue-')).every((l) => l.reason === 'forbidden' && l.explained), 'its publishes are dead-lettered as forbidden, and explained');
    const ins = result.summary.chaos?.insurance;
    assert.ok(ins, 'the insurance agent was stopped');
    assert.ok(ins.stallEndMs !== undefined && ins.stallEndMs - ins.stallStartMs >= 3000, 'stopped for the whole stall');
    assert.ok(ins.requestedDuringStall > 0, 'intake kept accepting referrals while insurance was down');
    assert.ok(ins.backlogPeak > ins.backlogAtStall, `backlog grew: ${ins.backlogAtStall} → ${ins.backlogPeak}`);
    assert.ok(ins.recoveryMs !== undefined, 'the backlog drained after recovery');
    const m = result.summary.chaos?.matcher;
    assert.ok(m, 'a matcher replica was killed');
    assert.ok(m.claimsHeld.length > 0, 'it died holding claims');
    assert.equal(m.takenOver + m.acceptedBeforeCrash, m.claimsHeld.length, 'every referral it held was accepted');
    assert.ok(m.takenOver === 0 || m.expired > 0, 'takeover happened through claim expiry');
  });
});
