import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type CausalLink, findCausalLoop } from '../../../src/core/causality/loop-breaker.ts';

const link = (i: number, type: string, extra: Partial<CausalLink> = {}): CausalLink => ({
  eventId: `e${i}`, type, source: i % 2 ? 'agent://a' : 'agent://b', subject: 'Referral/r-1', correlationid: 'c-1', ...(i > 0 && { causationid: `e${i - 1}` }), ...extra,
});
/** Ancestors of event n, nearest first. */
const ancestorsOf = (n: number, type = 'Ping'): CausalLink[] => Array.from({ length: n }, (_, k) => link(n - 1 - k, type));

void it('allows up to maxRepeats of one (type, aggregate) along a chain, refuses the next and names the chain', () => {
  const limits = { maxDepth: 100, maxRepeats: 3 };
  assert.equal(findCausalLoop(link(2, 'Ping'), ancestorsOf(2), limits), undefined);
  const loop = findCausalLoop(link(3, 'Ping'), ancestorsOf(3), limits);
  assert.equal(loop?.kind, 'repeats');
  assert.deepEqual(loop.chain.map((l) => l.eventId), ['e0', 'e1', 'e2', 'e3']);
  assert.match(loop.message, /^causal loop: Ping on Referral\/r-1 would occur 4 times .* correlation c-1 \(limit 3\); chain: e0 \(Ping on Referral\/r-1 by agent:\/\/b\) → e1/);
});

void it('counts repeats only within the correlation and for the same aggregate', () => {
  const limits = { maxDepth: 100, maxRepeats: 2 };
  const other = ancestorsOf(4).map((a) => ({ ...a, subject: 'Referral/r-2' }));
  assert.equal(findCausalLoop(link(4, 'Ping'), other, limits), undefined);
  const otherCorrelation = ancestorsOf(4).map((a) => ({ ...a, correlationid: 'c-0' }));
  assert.equal(findCausalLoop(link(4, 'Ping'), otherCorrelation, limits), undefined);
});

void it('refuses a chain deeper than maxDepth, whatever the types', () => {
  const limits = { maxDepth: 5, maxRepeats: 100 };
  const types = (n: number): CausalLink[] => ancestorsOf(n).map((a, k) => ({ ...a, type: `T${k}` }));
  assert.equal(findCausalLoop(link(5, 'X'), types(5), limits), undefined);
  const loop = findCausalLoop(link(6, 'X'), types(6), limits);
  assert.equal(loop?.kind, 'depth');
  assert.match(loop.message, /more than 5 causation steps/);
  assert.equal(findCausalLoop(link(0, 'X'), [], limits), undefined, 'a root event is never a loop');
});
