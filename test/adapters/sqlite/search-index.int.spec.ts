/**
 * The SQLite full-text index as a file holds it: written in the writing transaction by every path that writes
 * nodes (create, update, delete, a rolled-back batch), no index row for a node without text, and a store file of
 * the first format (a content FTS5 table kept by triggers on `nodes`) rebuilt to the current one on open, still
 * finding its nodes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createSqliteStore, type SqliteGraphStore } from '../../../src/adapters/sqlite/index.ts';
import { searchColumns } from '../../../src/adapters/sqlite/search.ts';
import type { ChangeSet, Scalar, UpsertNodeOp } from '../../../src/core/projection/change-set.ts';
import { labelsOf } from '../../../src/core/ontology/model.ts';
import { clinicOntology } from '../../fixtures/clinic-ontology.ts';
import { installFirstFormat } from '../../fixtures/search-format-1.ts';

const ontology = clinicOntology();
let n = 0;

function upsert(id: string, cls: string, set: Record<string, Scalar>, unset: string[] = [], add: Record<string, Scalar[]> = {}): UpsertNodeOp {
  return { op: 'upsertNode', node: { id, class: cls }, labels: labelsOf(ontology, cls), set, add, unset, pointer: '/data' };
}

function cs(ops: ChangeSet['ops']): ChangeSet {
  const eventId = `e-${++n}`;
  return { eventId, source: 'agent://test', time: '2026-12-07T00:00:00Z', type: 'Test', aggregate: eventId, ontologyVersion: ontology.version, ops, event: { id: eventId } };
}

const ids = async (store: SqliteGraphStore, text: string): Promise<string[]> => (await store.search({ text, first: 50 })).items.map((i) => i.node.id).sort();
const indexRows = (store: SqliteGraphStore): number => store.db.prepare('SELECT count(*) FROM search_docs').pluck().get() as number;

void describe('SQLite full-text index', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-search-index-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  void it('follows creates, updates, list values and deletes in the writing transaction; a node without text has no row', async () => {
    const store = createSqliteStore({ path: join(dir, 'writes.db'), ontology });
    await store.init(ontology);
    try {
      await store.applyBatch([
        cs([upsert('p-1', 'Patient', { name: 'Ivy Moss' }, [], { allergy: ['penicillin', 'latex'] }), upsert('p-2', 'Patient', { name: 'Kestrel Orrin' })]),
        cs([upsert('r-1', 'Referral', { reason: 'Chest pain', priority: 'urgent', score: 0.5 })]),
        cs([upsert('s-1', 'Specialist', { capacity: 3 })]),
      ]);
      assert.deepEqual(await ids(store, 'moss'), ['p-1']);
      assert.deepEqual(await ids(store, 'latex'), ['p-1'], 'every string of a list is indexed');
      assert.deepEqual(await ids(store, 'chest'), ['r-1']);
      assert.equal(indexRows(store), 3, 'the specialist has no searchable text, so no index row');

      // Updated twice in one batch, the second write wins; a number change leaves the text alone.
      await store.applyBatch([cs([upsert('p-2', 'Patient', { name: 'Kestrel Quarry' })]), cs([upsert('p-2', 'Patient', { name: 'Wren Quarry' })]), cs([upsert('r-1', 'Referral', { score: 0.9 })])]);
      assert.deepEqual(await ids(store, 'orrin'), []);
      assert.deepEqual(await ids(store, 'kestrel'), []);
      assert.deepEqual(await ids(store, 'wren'), ['p-2']);
      assert.deepEqual(await ids(store, 'chest'), ['r-1']);

      // Losing its only text drops the row; gaining text adds one.
      await store.applyBatch([cs([upsert('p-1', 'Patient', {}, ['name', 'allergy'])]), cs([upsert('s-1', 'Specialist', { name: 'Dr Orla Finch' })])]);
      assert.deepEqual(await ids(store, 'moss'), []);
      assert.deepEqual(await ids(store, 'finch'), ['s-1']);
      assert.equal(indexRows(store), 3);

      // Created and deleted in one batch: nothing left behind; deleted later: gone from search.
      await store.applyBatch([cs([upsert('p-3', 'Patient', { name: 'Transient Heron' }), { op: 'deleteNode', node: { id: 'p-3', class: 'Patient' }, pointer: '/data' }])]);
      await store.applyBatch([cs([{ op: 'deleteNode', node: { id: 'p-2', class: 'Patient' }, pointer: '/data' }])]);
      assert.deepEqual(await ids(store, 'heron'), []);
      assert.deepEqual(await ids(store, 'wren'), []);
      assert.equal(indexRows(store), 2);
    } finally {
      await store.close();
    }
  });

  void it('a batch that fails leaves no index row behind, and the next batch indexes only its own nodes', async () => {
    const store = createSqliteStore({ path: join(dir, 'rollback.db'), ontology });
    await store.init(ontology);
    try {
      // A fenced write whose token was never granted fails the whole batch, after the first event's node was written.
      store.db.prepare("INSERT INTO claim_tokens (node_id, purpose, last_token) VALUES ('p-9', 'triage', 1)").run();
      const fenced = { ...cs([upsert('p-8', 'Patient', { name: 'Also Back' })]), fence: { on: 'p-9', purpose: 'triage', token: 7 } };
      await assert.rejects(store.applyBatch([cs([upsert('p-9', 'Patient', { name: 'Rolled Back' })]), fenced]), /never granted/);
      await store.applyBatch([cs([upsert('p-7', 'Patient', { name: 'Kept Heron' })])]);
      assert.deepEqual(await ids(store, 'back'), []);
      assert.deepEqual(await ids(store, 'heron'), ['p-7']);
      assert.equal(indexRows(store), 1);
    } finally {
      await store.close();
    }
  });

  void it('rebuilds a store file of the first format (content table kept by triggers) on open, and it still finds its nodes', async () => {
    const path = join(dir, 'format-1.db');
    const old = createSqliteStore({ path, ontology });
    // Nodes written with no index, then the first format's DDL as that release ran it (backfill included).
    await old.applyBatch([cs([upsert('p-1', 'Patient', { name: 'Ivy Moss' }), upsert('r-1', 'Referral', { reason: 'Chest pain', priority: 'urgent' })])]);
    const columns = searchColumns(ontology);
    installFirstFormat(old.db, columns);
    // This code writing to a file it has not rebuilt yet leaves the old index to its triggers (no double rows).
    await old.applyBatch([cs([upsert('p-2', 'Patient', { name: 'Anna Moss' })])]);
    assert.equal(old.db.prepare("SELECT count(*) FROM search_text WHERE search_text MATCH 'moss'").pluck().get(), 2);
    await old.close();

    const store = createSqliteStore({ path, ontology });
    await store.init(ontology);
    try {
      const schema = store.db.prepare("SELECT name, sql FROM sqlite_master WHERE name LIKE 'tg_search%' OR name = 'search_text'").all() as { name: string; sql: string }[];
      assert.deepEqual(schema.map((s) => s.name), ['search_text'], 'the triggers are gone');
      assert.match(schema[0]?.sql ?? '', /content = ''/);
      assert.deepEqual(JSON.parse(store.db.prepare("SELECT value FROM meta WHERE key = 'search.columns'").pluck().get() as string), { format: 2, columns });
      assert.deepEqual(await ids(store, 'moss'), ['p-1', 'p-2']);
      assert.deepEqual(await ids(store, '"chest pain"'), ['r-1']);
      await store.applyBatch([cs([upsert('p-1', 'Patient', { name: 'Ivy Wren' })])]);
      assert.deepEqual(await ids(store, 'moss'), ['p-2']);
      assert.deepEqual(await ids(store, 'wren'), ['p-1']);
    } finally {
      await store.close();
    }
    // Opening again does not rebuild: the same rows, the same docids.
    const again = createSqliteStore({ path, ontology });
    const docs = again.db.prepare('SELECT docid, id FROM search_docs ORDER BY docid').all();
    await again.init(ontology);
    assert.deepEqual(again.db.prepare('SELECT docid, id FROM search_docs ORDER BY docid').all(), docs);
    await again.close();
  });
});
