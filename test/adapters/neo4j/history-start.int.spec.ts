/**
 * Two processes opening one Neo4j database whose graph has no history yet (written before as-of reads existed, or
 * by a store that has not started it) must start the history once: exactly one version per current node and
 * relationship, one `history.from`, and the other process sees that result instead of seeding again. Two store
 * instances (each its own driver, as two processes would have) call init() at the same moment, several rounds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import neo4j, { type Driver } from 'neo4j-driver';
import { createNeo4jStore } from '../../../src/adapters/neo4j/index.ts';
import type { GraphStore } from '../../../src/ports/graph-store.ts';
import { changeSet, link, ontology, upsert } from '../../contract/change-sets.ts';
import { neo4jForTests, resetNeo4j, type Neo4jConnection } from '../../support/neo4j-server.ts';

const neo = await neo4jForTests();
const ROUNDS = 3;

/** A graph of `n` referrals with a patient each, applied as ordinary batches (so it has a ledger and a head). */
async function writeGraph(c: Neo4jConnection, n: number): Promise<void> {
  const store = createNeo4jStore({ uri: c.uri, user: c.user, password: c.password });
  try {
    await store.init(ontology);
    for (let b = 0; b < n; b += 10) {
      await store.applyBatch(Array.from({ length: Math.min(10, n - b) }, (_, i) => {
        const k = b + i;
        return changeSet(`hs-${k}`, [
          upsert(`Referral/r-${k}`, { reason: `reason ${k}`, priority: 'urgent' }),
          upsert(`Patient/p-${k}`, { name: `Patient ${k}` }),
          link('forPatient', `Referral/r-${k}`, `Patient/p-${k}`),
        ]);
      }));
    }
  } finally {
    await store.close();
  }
}

/** Makes the database look as it did before its history started: no version rows, no `history.from`. */
async function forgetHistory(driver: Driver): Promise<void> {
  await driver.executeQuery('MATCH (v) WHERE v:TrailgraphNodeVersion OR v:TrailgraphRelVersion DELETE v');
  await driver.executeQuery("MATCH (m:TrailgraphMeta {key: 'meta:history.from'}) DELETE m");
}

async function count(driver: Driver, cypher: string): Promise<number> {
  const { records } = await driver.executeQuery(cypher);
  return Number(records[0]?.get('n'));
}

void describe('Neo4j history start by two processes at once', { skip: 'skip' in neo ? neo.skip : false }, () => {
  if ('skip' in neo) return;
  const c = neo.connection;
  let driver: Driver;
  before(async () => {
    await resetNeo4j(c);
    driver = neo4j.driver(c.uri, neo4j.auth.basic(c.user, c.password));
    await writeGraph(c, 60);
  });
  after(async () => {
    await driver.close();
    await resetNeo4j(c);
  });

  for (let round = 1; round <= ROUNDS; round++) {
    void it(`round ${round}: exactly one seeds, both see one history from the head`, async () => {
      await forgetHistory(driver);
      const nodes = await count(driver, 'MATCH (n:TrailgraphNode) RETURN count(n) AS n');
      const rels = await count(driver, 'MATCH (:TrailgraphNode)-[r]->(:TrailgraphNode) RETURN count(r) AS n');
      assert.equal(nodes, 120, 'the premise: the graph is there');
      assert.equal(await count(driver, 'MATCH (v:TrailgraphNodeVersion) RETURN count(v) AS n'), 0, 'the premise: no history yet');

      const stores: GraphStore[] = [0, 1].map(() => createNeo4jStore({ uri: c.uri, user: c.user, password: c.password }));
      try {
        await Promise.all(stores.map((s) => s.init(ontology)));
        const head = await stores[0]!.headSeq();
        assert.ok(head > 0);
        assert.deepEqual(await Promise.all(stores.map((s) => s.historyFrom())), [head, head]);
        // One current version per node and per relationship — a second seed would double them (or drop the first's).
        assert.equal(await count(driver, 'MATCH (v:TrailgraphNodeVersion) RETURN count(v) AS n'), nodes);
        assert.equal(await count(driver, 'MATCH (v:TrailgraphNodeVersion) WITH v.id AS id, count(*) AS k WHERE k > 1 RETURN count(id) AS n'), 0, 'a node with two versions');
        assert.equal(await count(driver, 'MATCH (v:TrailgraphRelVersion) RETURN count(v) AS n'), rels);
        assert.equal(await count(driver, "MATCH (m:TrailgraphMeta {key: 'meta:history.from'}) RETURN count(m) AS n"), 1);
        // And the history answers: the graph as of the head is the graph now, from either process.
        for (const s of stores) {
          const at = await s.readsAt(head);
          const page = await at.listNodes({ class: 'Referral', first: 1000, includeTotal: true });
          assert.equal(page.totalCount, 60);
          assert.equal((await at.related({ ids: ['r-7'], type: 'forPatient', direction: 'out', first: 10 })).get('r-7')?.items[0]?.node.id, 'p-7');
        }
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });
  }
});
