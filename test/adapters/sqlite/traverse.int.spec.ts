/**
 * SQLite neighbourhood walks on hub-shaped graphs: the limit holds and the answer stays well-formed when a node has
 * far more relationships than the limit, and reading stops early without losing nodes the limit leaves room for.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSqliteStore, type SqliteGraphStore } from '../../../src/adapters/sqlite/index.ts';
import type { ChangeSet } from '../../../src/core/projection/change-set.ts';
import type { Neighbourhood } from '../../../src/ports/graph-store.ts';
import { changeSet, link, ontology, upsert } from '../../contract/change-sets.ts';

const HUB_REFERRALS = 1500;
const root = mkdtempSync(join(tmpdir(), 'tg-traverse-'));
let store: SqliteGraphStore;

before(async () => {
  store = createSqliteStore({ path: join(root, 'graph.db'), ontology });
  const sets: ChangeSet[] = [];
  // A hub: one patient with 1,500 referrals, each from gp-1.
  for (let i = 0; i < HUB_REFERRALS; i++) {
    sets.push(changeSet(`e-r${i}`, [
      upsert(`Referral/r-${i}`, { reason: 'x', priority: 'routine' }),
      link('forPatient', `Referral/r-${i}`, 'Patient/p-hub'),
      link('referredBy', `Referral/r-${i}`, 'GeneralPractitioner/gp-1'),
    ]));
  }
  // Two specialists sharing 100 specialties; only the last specialty has a referral.
  for (let i = 0; i < 100; i++) {
    const sp = `Specialty/sp-${String(i).padStart(3, '0')}`;
    sets.push(changeSet(`e-sp${i}`, [link('hasSpecialty', 'Specialist/s-1', sp), link('hasSpecialty', 'Specialist/s-2', sp)]));
  }
  sets.push(changeSet('e-last', [upsert('Referral/r-last', { reason: 'x', priority: 'urgent' }), link('requestedSpecialty', 'Referral/r-last', 'Specialty/sp-099')]));
  await store.applyBatch(sets);
});
after(async () => {
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

const ids = (n: Neighbourhood) => new Set(n.nodes.map((x) => x.node.id));

void describe('sqlite neighbourhood on hubs', () => {
  void it('through a hub returns exactly `limit` nodes, says truncated, and only relationships between returned nodes', async () => {
    const n = await store.neighbourhood('r-0', 2, { via: ['forPatient'], limit: 20 });
    assert.equal(n.nodes.length, 20);
    assert.equal(n.truncated, true);
    const dist = new Map(n.nodes.map((x) => [x.node.id, x.distance]));
    assert.equal(dist.get('r-0'), 0);
    assert.equal(dist.get('p-hub'), 1);
    assert.ok([...dist.entries()].filter(([k]) => k !== 'r-0' && k !== 'p-hub').every(([, d]) => d === 2));
    const got = ids(n);
    assert.ok(n.relationships.length >= 19);
    for (const r of n.relationships) {
      assert.ok(got.has(r.from.id) && got.has(r.to.id), `${r.from.id}→${r.to.id} has an endpoint outside the answer`);
      assert.deepEqual([r.type, r.from.class, r.to.class], ['forPatient', 'Referral', 'Patient']);
      assert.equal(r.provenance.eventId, `e-${r.from.id.replace('r-', 'r')}`);
    }
  });

  void it('returns the whole hub when the limit allows it, not truncated', async () => {
    const n = await store.neighbourhood('p-hub', 1, { limit: HUB_REFERRALS + 1 });
    assert.equal(n.nodes.length, HUB_REFERRALS + 1);
    assert.equal(n.truncated, false);
    assert.equal(n.relationships.length, HUB_REFERRALS);
    const two = await store.neighbourhood('p-hub', 2, { limit: HUB_REFERRALS + 2 });
    assert.deepEqual([two.nodes.length, two.truncated, ids(two).has('gp-1'), two.relationships.length], [HUB_REFERRALS + 2, false, true, 2 * HUB_REFERRALS]);
  });

  void it('keeps reading past relationships to nodes already found, so a node the limit has room for is not lost', async () => {
    // From s-1: 100 specialties at 1 hop; at 2 hops each specialty's links back to s-1 and to s-2 come first, and
    // r-last is behind all 200 of them. limit = every node, so nothing may be cut.
    const n = await store.neighbourhood('s-1', 2, { limit: 103 });
    const dist = new Map(n.nodes.map((x) => [x.node.id, x.distance]));
    assert.equal(n.nodes.length, 103);
    assert.equal(n.truncated, false);
    assert.equal(dist.get('s-2'), 2);
    assert.equal(dist.get('r-last'), 2);
    assert.equal(n.relationships.length, 201);
    const cut = await store.neighbourhood('s-1', 2, { limit: 102 });
    assert.deepEqual([cut.nodes.length, cut.truncated], [102, true]);
  });
});
