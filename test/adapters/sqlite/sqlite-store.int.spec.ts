/** The SQLite adapter against the GraphStore contract on real temp files, plus what only SQLite promises. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createSqliteDeadLetters, createSqliteStore } from '../../../src/adapters/sqlite/index.ts';
import { graphStoreContract } from '../../contract/graph-store.contract.ts';
import { ontology, referral } from '../../contract/change-sets.ts';

const root = mkdtempSync(join(tmpdir(), 'tg-sqlite-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(root, `s${++n}`, 'graph.db');

graphStoreContract('sqlite', async () => {
  const path = freshPath();
  const store = createSqliteStore({ path });
  return {
    store,
    async cleanup() {
      await store.close();
      rmSync(join(path, '..'), { recursive: true, force: true });
    },
  };
});

void describe('sqlite store specifics', () => {
  void it('creates the directory, and two instances on one file see each other\'s writes and share the seq', async () => {
    const path = freshPath();
    assert.equal(existsSync(path), false);
    const a = createSqliteStore({ path, ontology });
    const b = createSqliteStore({ path, ontology });
    try {
      assert.ok(existsSync(path));
      await a.applyBatch([referral('e-1', 'r-1', 'p-1')]);
      assert.equal((await b.getNode('r-1'))?.class, 'Referral');
      const [second] = await b.applyBatch([referral('e-2', 'r-2', 'p-1'), referral('e-1', 'r-1', 'p-1')]);
      assert.equal(second?.seq, 2);
      assert.equal(await a.headSeq(), 2);
      const claimA = await a.claim({ on: 'r-1', purpose: 'p', agent: 'a', ttlMs: 60_000 });
      const claimB = await b.claim({ on: 'r-1', purpose: 'p', agent: 'b', ttlMs: 60_000 });
      assert.ok(claimA.granted);
      assert.ok(!claimB.granted && claimB.holder.agent === 'a');
    } finally {
      await a.close();
      await b.close();
    }
  });

  void it('keeps the data across reopen, and init is idempotent', async () => {
    const path = freshPath();
    const a = createSqliteStore({ path, synchronous: 'FULL' });
    await a.init(ontology);
    await a.applyBatch([referral('e-1', 'r-1', 'p-1')], { checkpoint: { name: 'bus', position: 3 } });
    await a.close();
    const b = createSqliteStore({ path });
    try {
      await b.init(ontology);
      await b.init(ontology);
      assert.equal((await b.getNode('p-1'))?.properties['name'], 'Patient p-1');
      assert.equal(await b.getCheckpoint('bus'), 3);
    } finally {
      await b.close();
    }
  });

  void it('rejects filters on names that are not datatype properties of the ontology', async () => {
    const store = createSqliteStore({ path: freshPath(), ontology });
    try {
      await assert.rejects(store.listNodes({ class: 'Referral', first: 1, filters: [{ property: "x') OR 1=1 --", op: 'eq', value: 1 }] }), /not a property name/);
      await assert.rejects(store.listNodes({ class: 'Referral', first: 1, sort: { property: 'forPatient', direction: 'asc' } }), /not a datatype property/);
    } finally {
      await store.close();
    }
  });

  void it('stores dead letters in the graph file and keeps them across reopen', async () => {
    const path = freshPath();
    const store = createSqliteStore({ path });
    const letters = createSqliteDeadLetters({ db: store.db });
    const put = await letters.put({ eventId: 'e-9', reason: 'invalid', message: 'event e-9: /data/priority: expected one of routine, urgent', issues: [{ pointer: '/data/priority', message: 'expected one of routine, urgent' }], payload: '{"id":"e-9"}', subject: 'tg.events.referral.X.r-1', headers: { 'Nats-Msg-Id': 'e-9' }, deliveries: 1 });
    await letters.put({ reason: 'poison', message: 'deliveries exhausted', issues: [], payload: 'not json' });
    await store.close();
    const reopened = createSqliteDeadLetters({ path });
    try {
      assert.equal(await reopened.count(), 2);
      assert.deepEqual(await reopened.get(put.id), put);
      const page = await reopened.list({ limit: 1 });
      assert.deepEqual(page.map((l) => l.eventId), ['e-9']);
      assert.deepEqual((await reopened.list({ afterId: put.id })).map((l) => l.reason), ['poison']);
      await reopened.remove(put.id);
      assert.equal(await reopened.get(put.id), undefined);
      assert.equal(await reopened.count(), 1);
    } finally {
      await reopened.close();
    }
  });
});
