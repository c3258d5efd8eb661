import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createContext } from '../../../src/adapters/sqlite/context.ts';
import { createSqliteStore, type SqliteGraphStore } from '../../../src/adapters/sqlite/index.ts';
import { propertyFilter } from '../../../src/adapters/sqlite/sql-filters.ts';
import type { PropertyFilter } from '../../../src/ports/graph-store.ts';
import { clinicOntology } from '../../fixtures/clinic-ontology.ts';

const ontology = clinicOntology();

void describe('SQLite property indexes (partial: only nodes that have the property)', () => {
  let dir: string;
  let store: SqliteGraphStore;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-indexes-'));
    store = createSqliteStore({ path: join(dir, 'g.db'), ontology });
    await store.init(ontology);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const plan = (f: PropertyFilter): string => {
    const frag = propertyFilter(createContext(store.db, ontology, () => undefined), f);
    const rows = store.db.prepare(`EXPLAIN QUERY PLAN SELECT n.id FROM nodes n WHERE ${frag.sql}`).all(...frag.params) as { detail: string }[];
    return rows.map((r) => r.detail).join(' | ');
  };

  void it('serves every comparison filter from the property index', () => {
    const filters: PropertyFilter[] = [
      { property: 'status', op: 'eq', value: 'requested' },
      { property: 'status', op: 'in', value: ['requested', 'accepted'] },
      { property: 'requestedAt', op: 'gte', value: '2026-01-01' },
      { property: 'score', op: 'lt', value: 0.5 },
      { property: 'name', op: 'prefix', value: 'Ada' },
      { property: 'code', op: 'exists', value: true },
    ];
    for (const f of filters) assert.match(plan(f), new RegExp(`USING (COVERING )?INDEX tg_pidx_${f.property}\\b`), `${f.property} ${f.op}: ${plan(f)}`);
  });

  void it('indexes only the nodes that have the property', async () => {
    await store.applyBatch([
      {
        eventId: 'e-1', source: 'agent://t', time: '2026-11-21T09:00:00Z', type: 'PatientRegistered', aggregate: 'p-1', ontologyVersion: ontology.version, event: {},
        ops: [{ op: 'upsertNode', node: { id: 'p-1', class: 'Patient' }, labels: ['Patient'], set: { name: 'Ada' }, add: {}, unset: [], pointer: '/data' }],
      },
    ]);
    const count = (idx: string): number => (store.db.prepare(`SELECT count(*) AS c FROM nodes INDEXED BY ${idx} WHERE json_extract(props, '$.${idx.slice(8)}') IS NOT NULL`).get() as { c: number }).c;
    assert.equal(count('tg_pidx_name'), 1);
    assert.equal(count('tg_pidx_priority'), 0);
  });

  void it('replaces the full indexes of an older file', async () => {
    const path = join(dir, 'old.db');
    const old = createSqliteStore({ path, ontology });
    old.db.exec("CREATE INDEX tg_prop_name ON nodes(json_extract(props, '$.name'), id)");
    await old.init(ontology);
    const names = old.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'tg_%'").pluck().all() as string[];
    assert.ok(!names.includes('tg_prop_name'));
    assert.ok(names.includes('tg_pidx_name'));
    await old.close();
  });
});
