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

  // The demo prints one referral's emergent process, reconstructed from the ledger: the chain of agents.
  const chain = summary.causalChain;
  assert.ok(chain, 'the summary carries a causal chain');
  const order = ['ReferralRequested', 'InsuranceVerified', 'ReferralAccepted', 'AppointmentScheduled', 'ReferralCompleted'];
  const at = order.map((t) => chain.text.indexOf(`${t} on Referral/${chain.referralId}`));
  assert.ok(at.every((i, k) => i >= 0 && (k === 0 || i > (at[k - 1] ?? 0))), `the chain reads intake → insurance → matcher → scheduler → notifier:\n${chain.text}`);
  assert.match(chain.text, /└─ #\d+ InsuranceVerified on Referral\/\S+ {2}by agent:\/\/insurance {2}\+\d+ ms/);
  for (const agent of ['agent://intake', 'agent://insurance', 'agent://scheduler', 'agent://notifier']) assert.ok(chain.agents.includes(agent), agent);
});
