/**
 * `--chaos ping-pong`: two triage agent processes with opposite rules re-triage each other's decisions — a
 * feedback loop no agent stops. The service's loop breaker does: the ReferralTriaged that repeats too often along
 * one causal chain is refused and dead-lettered with reason causal-loop, naming the chain; the run still
 * completes every referral.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runDemoProcess } from './run-demo.ts';

void it('the loop breaker stops two agents triggering each other, with a causal-loop dead letter naming the chain', async () => {
  const { code, summary, stderr } = await runDemoProcess(['--count', '6', '--rate', '6', '--chaos', 'ping-pong']);
  assert.equal(code, 0, `demo failed:\n${JSON.stringify(summary, null, 2)}\n${stderr.slice(-2000)}`);
  const pp = summary.chaos?.pingPong;
  assert.ok(pp?.stopped, 'the ping-pong was stopped');
  // Default limit: 8 of one (type, aggregate) along a chain; the 9th is refused.
  assert.equal(pp.triaged, 8, 'exactly the allowed number of re-triages were committed');
  const letter = summary.deadLetters.items.find((d) => d.reason === 'causal-loop');
  assert.ok(letter, 'a causal-loop dead letter');
  assert.match(letter.eventId ?? '', /^triage-/);
  assert.match(letter.message, /^causal loop: ReferralTriaged on Referral\/\S+ would occur 9 times along one causal chain of correlation request-\S+ \(limit 8\); chain: request-\S+ \(ReferralRequested/);
  assert.match(letter.message, /by agent:\/\/triage-relaxed\)|by agent:\/\/triage-cautious\)/);
  assert.equal(letter.explained, true);
  assert.equal(summary.completed, 6);
});
