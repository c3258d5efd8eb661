/**
 * SQLite `related` pages for many parents at once when some parents are hubs: every parent gets its own first
 * page in id order, hasNextPage and totals are right, and cursors page through a hub without gaps or repeats.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSqliteStore, type SqliteGraphStore } from '../../../src/adapters/sqlite/index.ts';
import type { ChangeSet } from '../../../src/core/projection/change-set.ts';
import { changeSet, link, ontology, upsert } from '../../contract/change-sets.ts';

const root = mkdtempSync(join(tmpdir(), 'tg-related-'));
let store: SqliteGraphStore;
const pad = (i: number) => String(i).padStart(4, '0');
// Patients p-a (hub, 300 referrals), p-b (2), p-c (hub, 40), p-d (none, but exists), in id order.
const shape: Record<string, number> = { 'p-a': 300, 'p-b': 2, 'p-c': 40, 'p-d': 0 };
const referralsOf = (p: string) => Array.from({ length: shape[p] ?? 0 }, (_, i) => `r-${p.slice(2)}-${pad(i)}`);

before(async () => {
  store = createSqliteStore({ path: join(root, 'graph.db'), ontology });
  const sets: ChangeSet[] = [changeSet('e-pd', [upsert('Patient/p-d', { name: 'D' })])];
  for (const p of Object.keys(shape)) {
    for (const r of referralsOf(p)) sets.push(changeSet(`e-${r}`, [upsert(`Referral/${r}`, { reason: 'x', priority: 'routine' }), link('forPatient', `Referral/${r}`, `Patient/${p}`)]));
  }
  await store.applyBatch(sets);
});
after(async () => {
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

void describe('sqlite related() with hub parents', () => {
  void it('gives each parent its first page in id order, with hasNextPage and totals, whatever the other parents hold', async () => {
    const ids = ['p-c', 'p-missing', 'p-a', 'p-d', 'p-b', 'p-a'];
    const pages = await store.related({ ids, type: 'forPatient', direction: 'in', first: 5, includeTotal: true });
    for (const p of ['p-a', 'p-b', 'p-c', 'p-d', 'p-missing']) {
      const page = pages.get(p);
      assert.ok(page, p);
      const want = referralsOf(p).slice(0, 5);
      assert.deepEqual(page.items.map((i) => i.node.id), want, p);
      assert.equal(page.hasNextPage, (shape[p] ?? 0) > 5, p);
      assert.equal(page.totalCount, shape[p] ?? 0, p);
    }
  });

  void it('pages through a hub with cursors: every referral once, in order', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = (await store.related({ ids: ['p-a', 'p-b'], type: 'forPatient', direction: 'in', first: 64, ...(after && { after }) })).get('p-a')!;
      seen.push(...page.items.map((i) => i.node.id));
      if (!page.hasNextPage) break;
      after = page.endCursor;
    }
    assert.deepEqual(seen, referralsOf('p-a'));
  });

  void it('descending pages still come newest id first (the window path)', async () => {
    const page = (await store.related({ ids: ['p-a', 'p-c'], type: 'forPatient', direction: 'in', first: 3, sort: { property: 'id', direction: 'desc' } })).get('p-c')!;
    assert.deepEqual(page.items.map((i) => i.node.id), referralsOf('p-c').slice(-3).reverse());
    assert.equal(page.hasNextPage, true);
  });
});
