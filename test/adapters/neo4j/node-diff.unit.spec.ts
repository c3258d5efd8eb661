/** The Neo4j store's pure rules — change detection, mark expiry and reinforcement, input checks: the SQLite adapter's. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProjectionConflictError } from '../../../src/core/errors.ts';
import type { UpsertNodeOp } from '../../../src/core/projection/change-set.ts';
import { diffUpsert } from '../../../src/adapters/neo4j/node-diff.ts';
import { checkMarkInput, checkTtl, markExpiry, reinforcedStrength } from '../../../src/adapters/neo4j/marks-claims.ts';
import { EVAPORATION_THRESHOLD } from '../../../src/ports/graph-store.ts';

const op = (o: Partial<UpsertNodeOp>): UpsertNodeOp => ({ op: 'upsertNode', node: { id: 'p-1', class: 'Patient' }, labels: ['Patient'], set: {}, add: {}, unset: [], pointer: '/data', ...o });
const patient = { class: 'Patient', labels: ['Resource', 'Patient'], props: { id: 'p-1', name: 'Ann', allergy: ['latex'] } };

void test('an upsert that changes nothing reports nothing', () => {
  assert.equal(diffUpsert('e', op({ set: { name: 'Ann' }, add: { allergy: ['latex'] }, unset: ['birthDate'] }), patient), undefined);
});

void test('only changed, added and present-then-retracted properties are reported', () => {
  const u = diffUpsert('e', op({ set: { name: 'Bea' }, add: { allergy: ['latex', 'nuts'] }, unset: ['allergy', 'birthDate'] }), patient);
  assert.deepEqual(u?.changed, ['name', 'allergy']);
  assert.deepEqual(u?.retracted, ['allergy']);
  assert.deepEqual(u?.write, { name: 'Bea', allergy: ['latex', 'nuts'] });
});

void test('a more specific class wins; an unrelated class is a located conflict', () => {
  const gp = { class: 'Practitioner', labels: ['Resource', 'Practitioner'], props: { id: 'd-1' } };
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

void test('mark expiry is the SQLite formula to the millisecond (what the marks contract asserts)', () => {
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

void test('marks and claims refuse inputs SQLite refuses, before any transaction', () => {
  assert.throws(() => checkMarkInput({ on: 'r', kind: 'k', strength: 1, agent: 'a' }), /never evaporate/);
  assert.throws(() => checkMarkInput({ on: 'r', kind: 'k', strength: 0, ttlMs: 5, agent: 'a' }), /strength must be > 0/);
  assert.throws(() => checkMarkInput({ on: 'r', kind: 'k', strength: 1, halfLifeMs: -1, agent: 'a' }), /halfLifeMs must be > 0/);
  assert.doesNotThrow(() => checkMarkInput({ on: 'r', kind: 'k', strength: 1, ttlMs: 10, agent: 'a' }));
  assert.throws(() => checkTtl(0), /ttlMs must be a positive number/);
  assert.throws(() => checkTtl(Number.POSITIVE_INFINITY), /ttlMs/);
});
