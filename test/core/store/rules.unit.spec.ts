/** Core's store rulebook: change detection of upserts, mark decay / expiry / reinforcement, claim decisions, limits. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProjectionConflictError } from '../../../src/core/errors.ts';
import { decideClaim, isHolder, sweepOrder } from '../../../src/core/claims/rules.ts';
import { EVAPORATION_THRESHOLD, markExpiry, reinforcedStrength, strengthAt } from '../../../src/core/marks/decay.ts';
import { diffUpsert } from '../../../src/core/projection/node-diff.ts';
import { hopsWithin, pageSize } from '../../../src/core/store/limits.ts';
import type { UpsertNodeOp } from '../../../src/core/projection/change-set.ts';

const op = (o: Partial<UpsertNodeOp>): UpsertNodeOp => ({ op: 'upsertNode', node: { id: 'p-1', class: 'Patient' }, labels: ['Patient'], set: {}, add: {}, unset: [], pointer: '/data', ...o });
const patient = { class: 'Patient', labels: ['TrailgraphNode', 'Patient'], props: { id: 'p-1', name: 'Ann', allergy: ['latex'] } };

void test('an upsert that changes nothing reports nothing', () => {
  assert.equal(diffUpsert('e', op({ set: { name: 'Ann' }, add: { allergy: ['latex'] }, unset: ['birthDate'] }), patient), undefined);
});

void test('only changed, added and present-then-retracted properties are reported', () => {
  const u = diffUpsert('e', op({ set: { name: 'Bea' }, add: { allergy: ['latex', 'nuts'] }, unset: ['allergy', 'birthDate'] }), patient);
  assert.deepEqual(u?.changed, ['name', 'allergy']);
  assert.deepEqual(u?.retracted, ['allergy']);
  assert.deepEqual(u?.write, { name: 'Bea' }, 'a retracted key is not written');
  assert.deepEqual(u?.props, { id: 'p-1', name: 'Bea' });
});

void test('a more specific class wins; an unrelated class is a located conflict', () => {
  const gp = { class: 'Practitioner', labels: ['TrailgraphNode', 'Practitioner'], props: { id: 'd-1' } };
  const u = diffUpsert('e', op({ node: { id: 'd-1', class: 'Specialist' }, labels: ['Specialist', 'Practitioner'] }), gp);
  assert.deepEqual(u?.labels, ['Specialist', 'Practitioner']);
  assert.throws(() => diffUpsert('evt-9', op({ node: { id: 'p-1', class: 'Referral' }, labels: ['Referral'], pointer: '/data/@graph/1' }), patient),
    (e: unknown) => e instanceof ProjectionConflictError && e.pointer === '/data/@graph/1' && /p-1 is a Patient/.test(e.message));
});

void test('a mark evaporates at the earlier of its TTL and its decay below the threshold', () => {
  assert.equal(markExpiry(1, undefined, 5000, 0), 5000);
  // 1 → 0.01 takes log2(100) ≈ 6.64 half-lives.
  assert.equal(markExpiry(1, 1000, undefined, 0), Math.ceil(1000 * Math.log2(100)));
  assert.equal(markExpiry(1, 1000, 2000, 0), 2000);
  assert.throws(() => markExpiry(1, undefined, undefined, 0), /halfLifeMs or ttlMs/);
});

void test('mark expiry is a whole millisecond, rounded up (what the marks contract asserts)', () => {
  const T0 = Date.parse('2030-01-01T00:00:00Z');
  const HOUR = 3_600_000;
  assert.equal(markExpiry(0.8, HOUR, undefined, T0), T0 + Math.ceil(HOUR * Math.log2(0.8 / EVAPORATION_THRESHOLD)));
  assert.equal(markExpiry(0.005, HOUR, undefined, T0), T0, 'a mark left below the threshold has already evaporated');
});

void test('reinforcing: default back to the first strength (never down), else adds; capped at max(1, first)', () => {
  assert.equal(reinforcedStrength(0.4, 0.8, undefined), 0.8);
  assert.equal(reinforcedStrength(0.9, 0.8, undefined), 0.9, 'a stronger mark is not weakened by a default reinforcement');
  assert.equal(reinforcedStrength(0.4, 0.8, 0.1), 0.5);
  assert.equal(reinforcedStrength(0.5, 0.8, 5), 1, 'saturates at 1');
  assert.equal(reinforcedStrength(2, 3, 5), 3, 'a mark left stronger than 1 saturates at its first strength');
});

void test('null or absent stored values are the same: add starts a list, unset retracts nothing', () => {
  const stored = { class: 'Patient', labels: ['Patient'], props: { id: 'p-1', allergy: null } };
  assert.deepEqual(diffUpsert('e', op({ add: { allergy: ['latex'] } }), stored)?.write, { allergy: ['latex'] });
  assert.equal(diffUpsert('e', op({ unset: ['allergy'] }), stored), undefined);
});

void test('set, add, then unset: a key both set and unset ends up retracted, and is not written', () => {
  const u = diffUpsert('e', op({ set: { name: 'Bea' }, unset: ['name'] }), patient);
  assert.deepEqual(u?.retracted, ['name']);
  assert.deepEqual(u?.write, {});
  assert.equal('name' in (u?.props ?? {}), false);
});

void test('decayed strength: halves every half-life, constant without one, 0 once expired', () => {
  const m = { strength: 0.8, halfLifeMs: 1000, reinforcedAt: 0, expiresAt: 10_000 };
  assert.equal(strengthAt(m, 1000), 0.4);
  assert.equal(strengthAt(m, -5), 0.8, 'no growth before the reinforcement');
  assert.equal(strengthAt({ ...m, halfLifeMs: undefined }, 5000), 0.8);
  assert.equal(strengthAt(m, 10_000), 0);
});

void test('claims: granted when free or run out, refused while live, tokens only grow, expiries recorded', () => {
  const held = { agent: 'a', token: 4, grantedAt: 0, expiresAt: 100 };
  assert.deepEqual(decideClaim(held, 4, 'b', 50, 99), { granted: false, holder: held });
  assert.deepEqual(decideClaim(held, 4, 'a', 50, 99), { granted: false, holder: held }, 'the holder renews, it does not claim again');
  assert.deepEqual(decideClaim(held, 4, 'b', 50, 100), { granted: true, claim: { agent: 'b', token: 5, grantedAt: 100, expiresAt: 150 }, expired: held });
  assert.deepEqual(decideClaim(undefined, 7, 'b', 50, 0), { granted: true, claim: { agent: 'b', token: 8, grantedAt: 0, expiresAt: 50 } }, 'the last token outlives releases');
  assert.equal(isHolder(held, 'a', 4), true);
  assert.equal(isHolder(held, 'a', 3), false);
  assert.equal(isHolder(undefined, 'a', 4), false);
  const rows = [{ expiresAt: 2, on: 'b', purpose: 'x' }, { expiresAt: 1, on: 'z', purpose: 'x' }, { expiresAt: 2, on: 'a', purpose: 'y' }, { expiresAt: 2, on: 'a', purpose: 'X' }];
  assert.deepEqual(rows.sort(sweepOrder).map((r) => r.on + r.purpose), ['zx', 'aX', 'ay', 'bx'], 'code-point order, not locale order');
});

void test('read limits: pages capped at 1000, walks at 6 hops', () => {
  assert.equal(pageSize(5000), 1000);
  assert.throws(() => pageSize(-1), /first must be a non-negative integer/);
  assert.equal(hopsWithin(10), 6);
  assert.equal(hopsWithin(2.7), 2);
  assert.equal(hopsWithin(-1), 0);
});
