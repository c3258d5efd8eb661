/**
 * What the Neo4j history recorder writes for one batch: versions with nothing before the batch skip the lookup that
 * closes a current version; everything that may have one (a node that existed, even if deleted and created again
 * by one change set; a relationship retracted from before the batch) goes through the closing statement.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HistoryRecorder } from '../../../src/adapters/neo4j/history.ts';
import type { AppliedChange } from '../../../src/core/projection/change-set.ts';

const prov = (seq: number) => ({ eventId: `e-${seq}`, source: 'agent://t', time: '2026-12-07T00:00:00Z', seq });
const state = { class: 'Patient', labels: ['TrailgraphNode', 'Patient'], props: { name: 'Ann' } };

function record(h: HistoryRecorder, changes: AppliedChange[], seq: number): void {
  const { ids, created, born } = HistoryRecorder.touchedNodes(changes);
  for (const id of ids) h.node(id, state, created.has(id), born.has(id), prov(seq));
  h.relationships(changes, prov(seq));
}

/** The ids each statement writes versions of (each once: create-only rows are one per version), keyed by the statement's kind. */
function written(h: HistoryRecorder): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of h.statements({ first: 1, eventIds: [], sources: [], times: [] })) {
    const kind = s.cypher.includes('OPTIONAL MATCH') ? 'closing' : 'create-only';
    const rel = s.cypher.includes('TrailgraphRelVersion') ? 'rel' : 'node';
    const rows = s.params.rows as { id?: string; from?: string; to?: string }[];
    out[`${rel} ${kind}`] = [...new Set(rows.map((r) => r.id ?? `${r.from}->${r.to}`))];
  }
  return out;
}

void test('a node deleted and created again by one change set existed before it: not born', () => {
  const { created, born } = HistoryRecorder.touchedNodes([
    { kind: 'node', change: 'deleted', id: 'p-1', class: 'Patient' },
    { kind: 'node', change: 'created', id: 'p-1', class: 'Patient' },
    { kind: 'node', change: 'created', id: 'p-2', class: 'Patient' },
  ]);
  assert.deepEqual([...created].sort(), ['p-1', 'p-2']);
  assert.deepEqual([...born], ['p-2']);
});

void test('born nodes and new relationships skip the closing lookup; existing ones keep it', () => {
  const h = new HistoryRecorder();
  const p = { id: 'p-1', class: 'Patient' };
  const r = { id: 'r-1', class: 'Referral' };
  record(h, [
    { kind: 'node', change: 'created', id: 'r-1', class: 'Referral' },
    { kind: 'node', change: 'updated', id: 'p-1', class: 'Patient' },
    { kind: 'node', change: 'deleted', id: 'p-9', class: 'Patient' },
    { kind: 'node', change: 'created', id: 'p-9', class: 'Patient' },
    { kind: 'relationship', change: 'created', type: 'forPatient', from: r, to: p },
    { kind: 'relationship', change: 'retracted', type: 'forPatient', from: { id: 'r-0', class: 'Referral' }, to: p },
  ], 5);
  // A later change set of the same batch updates the born node: still no version before the batch.
  record(h, [{ kind: 'node', change: 'updated', id: 'r-1', class: 'Referral' }], 6);
  assert.deepEqual(written(h), {
    'node create-only': ['r-1'],
    'node closing': ['p-1', 'p-9'],
    'rel create-only': ['r-1->p-1'],
    'rel closing': ['r-0->p-1'],
  });
});
