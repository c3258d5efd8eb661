/**
 * Snapshot ("TCK"-style) tests: the exact Cypher and params of every builder, stored as JSON under __snapshots__/.
 * A change to generated Cypher shows up as a reviewable diff. Refresh with UPDATE_SNAPSHOTS=1.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { catalogue } from './catalogue.ts';

const file = join(dirname(fileURLToPath(import.meta.url)), '__snapshots__', 'cypher.json');
const actual = JSON.parse(JSON.stringify(catalogue())) as Record<string, unknown>;

// In CI a missing snapshot file is a failure, not a fresh baseline: writing one there would pass whatever Cypher
// the change generates, with nobody reviewing it.
if (!existsSync(file) && process.env.CI === 'true' && process.env.UPDATE_SNAPSHOTS !== '1') {
  throw new Error(`${file} is missing: run the tests with UPDATE_SNAPSHOTS=1 locally, review it, and commit it`);
}
if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(file)) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
}
const expected = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

void test('no statement appeared or disappeared without a snapshot update', () => {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), 'run with UPDATE_SNAPSHOTS=1 and review the diff');
});

for (const [name, s] of Object.entries(actual)) {
  void test(`${name} matches its snapshot`, () => {
    assert.deepEqual(s, expected[name], 'generated Cypher changed: review, then run with UPDATE_SNAPSHOTS=1');
  });
}
