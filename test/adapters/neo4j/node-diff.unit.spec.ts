/** The Neo4j store's change detection (pure): same rules as the SQLite adapter. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProjectionConflictError } from '../../../src/core/errors.ts';
import type { UpsertNodeOp } from '../../../src/core/projection/change-set.ts';
import { diffUpsert } from '../../../src/adapters/neo4j/node-diff.ts';
import { markExpiry } from '../../../src/adapters/neo4j/marks-claims.ts';

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
