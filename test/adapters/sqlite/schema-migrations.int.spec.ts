import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createSqliteStore } from '../../../src/adapters/sqlite/index.ts';
import { MIGRATIONS } from '../../../src/adapters/sqlite/schema.ts';
import { clinicOntology } from '../../fixtures/clinic-ontology.ts';

const ontology = clinicOntology();

void describe('SQLite schema migrations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-schema-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  void it('opens a file written at schema version 1: its graph is kept, later steps run once, and it accepts new events', async () => {
    const path = join(dir, 'v1.db');
    const old = new Database(path);
    old.exec(MIGRATIONS[0] ?? '');
    old.pragma('user_version = 1');
    old.prepare("INSERT INTO nodes (id, class, labels, props, event_id, source, time, seq, created_seq) VALUES ('p-1', 'Patient', '[\"Patient\"]', '{\"name\":\"Old\"}', 'e-1', 'agent://a', '2026-01-01T00:00:00Z', 1, 1)").run();
    old.prepare("INSERT INTO node_labels (label, id) VALUES ('Patient', 'p-1')").run();
    old.prepare("INSERT INTO ledger (seq, event_id, kind, type, source, time, committed_at, changes) VALUES (1, 'e-1', 'event', 'PatientRegistered', 'agent://a', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '[]')").run();
    old.close();

    const store = createSqliteStore({ path, ontology });
    await store.init(ontology);
    try {
      assert.equal(store.db.pragma('user_version', { simple: true }), MIGRATIONS.length);
      assert.equal((await store.getNode('p-1'))?.properties.name, 'Old');
      // Step 2 dropped the index no read used (every node insert paid for it).
      assert.equal(store.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'nodes_class'").pluck().get(), 0);
      const [applied] = await store.applyBatch([{
        eventId: 'e-2', source: 'agent://a', time: '2026-01-02T00:00:00Z', type: 'PatientRegistered', aggregate: 'p-2', ontologyVersion: ontology.version,
        ops: [{ op: 'upsertNode', node: { id: 'p-2', class: 'Patient' }, labels: ['Patient'], set: { name: 'New' }, add: {}, unset: [], pointer: '/data' }],
        event: { id: 'e-2' },
      }]);
      assert.equal(applied?.seq, 2);
      assert.deepEqual((await store.listNodes({ class: 'Patient', first: 10 })).items.map((i) => i.node.id), ['p-1', 'p-2']);
    } finally {
      await store.close();
    }
    // Opening again runs nothing twice.
    const again = createSqliteStore({ path, ontology });
    assert.equal(again.db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    await again.close();
  });

  void it('step 4 gives marks left before it their creation seq from the ledger, so a node\'s marks keep the order they were left', async () => {
    const path = join(dir, 'v3.db');
    const old = new Database(path);
    for (const step of MIGRATIONS.slice(0, 3)) old.exec(step);
    old.pragma('user_version = 3');
    old.prepare("INSERT INTO nodes (id, class, labels, props, event_id, source, time, seq, created_seq) VALUES ('p-1', 'Patient', '[\"Patient\"]', '{}', 'e-1', 'agent://a', '2026-01-01T00:00:00Z', 1, 1)").run();
    old.prepare("INSERT INTO node_labels (label, id) VALUES ('Patient', 'p-1')").run();
    const T = Date.parse('2030-01-01T00:00:00Z');
    // Three marks left at one instant, their ids in the opposite order of their seqs.
    for (const [seq, id] of [[2, 'm-c'], [3, 'm-b'], [4, 'm-a']] as const) {
      old.prepare('INSERT INTO marks (id, node_id, kind, strength, first_strength, half_life_ms, ttl_ms, agent, note, created_at, reinforced_at, expires_at) VALUES (?, \'p-1\', \'k\', 1, 1, NULL, 3600000, \'a\', NULL, ?, ?, ?)').run(id, T, T, T + 3_600_000);
      old.prepare("INSERT INTO ledger (seq, event_id, kind, type, source, time, committed_at, changes) VALUES (?, ?, 'mark', 'tg:MarkLeft', 'a', '2030-01-01T00:00:00Z', '2030-01-01T00:00:00Z', '[]')").run(seq, `mark:${id}:${seq}`);
    }
    // A later reinforcement row of m-c must not be taken for its creation.
    old.prepare("INSERT INTO ledger (seq, event_id, kind, type, source, time, committed_at, changes) VALUES (5, 'mark:m-c:5', 'mark', 'tg:MarkReinforced', 'a', '2030-01-01T00:00:00Z', '2030-01-01T00:00:00Z', '[]')").run();
    old.close();

    const store = createSqliteStore({ path, ontology });
    await store.init(ontology);
    try {
      const marks = (await store.marksOn(['p-1'], { now: T })).get('p-1') ?? [];
      assert.deepEqual(marks.map((m) => [m.id, m.createdSeq]), [['m-c', 2], ['m-b', 3], ['m-a', 4]]);
    } finally {
      await store.close();
    }
  });
});
