/**
 * The SQLite full-text index is written by the store, not by triggers (search-writes.ts): every code path that
 * writes a node's properties must report the node to the index's queue, or the node commits unsearchable. This
 * reads the adapter's sources so a new writer of `nodes` that forgets the queue fails here, not in a user's search.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const DIR = join(import.meta.dirname, '..', '..', '..', 'src', 'adapters', 'sqlite');
/** Builds an in-memory copy of a past state for as-of reads on Neo4j: no index, never searched. */
const WITHOUT_INDEX = new Set(['snapshot.ts']);
const WRITES_NODES = /\b(INSERT(\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|DELETE\s+FROM)\s+nodes\b|\bUPDATE\s+nodes\s+SET\b[^']*\bprops\b/i;
const REPORTS = /\bsearch\.(created|updated|deleted)\(|createSearchWrites\(/;

void test('every SQLite source that writes node properties reports the node to the full-text index', () => {
  const writers = readdirSync(DIR).filter((f) => f.endsWith('.ts') && WRITES_NODES.test(readFileSync(join(DIR, f), 'utf8')));
  assert.ok(writers.includes('apply.ts') && writers.includes('migration-target.ts'), `the pattern finds the known writers (found: ${writers.join(', ')})`);
  const silent = writers.filter((f) => !WITHOUT_INDEX.has(f) && !REPORTS.test(readFileSync(join(DIR, f), 'utf8')));
  assert.deepEqual(silent, [], `these write nodes without reporting to search-writes.ts: ${silent.join(', ')}`);
});
