/** The Neo4j store's own argument checks (the rules themselves are core's: test/core/store/rules.unit.spec.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkMarkInput, checkTtl } from '../../../src/adapters/neo4j/marks-claims.ts';

void test('marks and claims refuse inputs SQLite refuses, before any transaction', () => {
  assert.throws(() => checkMarkInput({ on: 'r', kind: 'k', strength: 1, agent: 'a' }), /never evaporate/);
  assert.throws(() => checkMarkInput({ on: 'r', kind: 'k', strength: 0, ttlMs: 5, agent: 'a' }), /strength must be > 0/);
  assert.throws(() => checkMarkInput({ on: 'r', kind: 'k', strength: 1, halfLifeMs: -1, agent: 'a' }), /halfLifeMs must be > 0/);
  assert.doesNotThrow(() => checkMarkInput({ on: 'r', kind: 'k', strength: 1, ttlMs: 10, agent: 'a' }));
  assert.throws(() => checkTtl(0), /ttlMs must be > 0/);
  assert.throws(() => checkTtl(Number.POSITIVE_INFINITY), /ttlMs/);
});
