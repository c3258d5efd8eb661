/**
 * The referral demo with its graph in Neo4j (`trailgraph demo referral --store bolt://…`): real agent processes,
 * the real service, the run's Neo4j test server. Every referral completes exactly once, every dead letter is
 * explained, and a --chaos run (insurance stopped, a matcher killed holding claims, two triage agents in a loop)
 * recovers on its own. A graph left by an earlier run is refused up front with a clear message.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { neo4jForTests, resetNeo4j, type Neo4jConnection } from '../support/neo4j-server.ts';
import { runDemoProcess } from './run-demo.ts';

const neo = await neo4jForTests();

void describe('trailgraph demo referral on Neo4j', { skip: 'skip' in neo ? neo.skip : false }, () => {
  let c: Neo4jConnection;
  before(() => {
    if ('skip' in neo) return;
    c = neo.connection;
    // The demo's service reads the password the way `serve` does; the store URL is the flag.
    process.env.TRAILGRAPH_NEO4J_USER = c.user;
    process.env.TRAILGRAPH_NEO4J_PASSWORD = c.password;
  });

  void it('completes every referral exactly once with the graph in Neo4j, and refuses a graph left by a run', async () => {
    await resetNeo4j(c);
    const { code, summary, stderr } = await runDemoProcess(['--count', '12', '--rate', '12', '--store', c.uri], 480_000);
    assert.equal(summary.completed, 12, `completed ${summary.completed}/12; stderr tail:\n${stderr.slice(-1500)}`);
    assert.equal(summary.duplicates.referrals, 0, JSON.stringify(summary.duplicates.details));
    assert.equal(summary.deadLetters.unexplained, 0, JSON.stringify(summary.deadLetters.items));
    for (const t of ['ReferralAccepted', 'AppointmentScheduled', 'ReferralCompleted', 'InsuranceVerified']) assert.equal(summary.stages[t], 12, t);
    assert.equal(summary.ok, true);
    assert.equal(code, 0);

    const again = await runDemoProcess(['--count', '2', '--store', c.uri], 240_000).catch((err: Error) => err);
    assert.ok(again instanceof Error, 'a second run on the same graph is refused');
    assert.match(again.message, /needs an empty graph.*already holds \d+ ledger entries/s);
  });

  void it('--chaos on Neo4j: the stalled insurance backlog drains, a killed matcher is taken over, the loop breaker stops the ping-pong', async () => {
    await resetNeo4j(c);
    const { code, summary, stderr } = await runDemoProcess(['--count', '24', '--rate', '8', '--chaos', '--stall', '3000', '--store', c.uri], 600_000);
    assert.equal(summary.completed, 24, `completed ${summary.completed}/24; stderr tail:\n${stderr.slice(-1500)}`);
    assert.equal(summary.duplicates.referrals, 0, JSON.stringify(summary.duplicates.details));
    assert.equal(summary.deadLetters.unexplained, 0);
    const ins = summary.chaos?.insurance;
    assert.ok(ins && ins.recoveryMs !== undefined, 'the insurance backlog drained after the stall');
    assert.ok(ins.requestedDuringStall > 0, 'intake kept admitting referrals while insurance was stopped');
    const m = summary.chaos?.matcher;
    assert.ok(m && m.claimsHeld.length > 0, 'a matcher replica died holding claims');
    assert.equal(m.takenOver + m.acceptedBeforeCrash, m.claimsHeld.length, 'every referral it held was accepted');
    assert.ok(summary.chaos?.pingPong?.stopped, `the loop breaker stopped the two triage agents (triaged ${summary.chaos?.pingPong?.triaged})`);
    assert.equal(summary.ok, true);
    assert.equal(code, 0);
  });
});
