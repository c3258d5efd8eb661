/**
 * A Neo4j database written before trailgraph namespaced its bookkeeping names (`Resource` on every graph node,
 * `LedgerEntry`, `LedgerNodeRef`, `TOUCHES`, constraints and indexes on those labels) is upgraded when a store opens
 * it: every read answers as before, nothing is left on the old names, a second open runs nothing. The old layout is
 * made from a current database by renaming back with raw Cypher, exactly what an older trailgraph wrote.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import neo4j, { type Driver } from 'neo4j-driver';
import { createNeo4jStore } from '../../../src/adapters/neo4j/index.ts';
import { DATA_VERSION, upgradeData } from '../../../src/adapters/neo4j/data-upgrades.ts';
import { createExecutor } from '../../../src/adapters/neo4j/executor.ts';
import type { GraphStore } from '../../../src/ports/graph-store.ts';
import { changeSet, link, ontology, upsert } from '../../contract/change-sets.ts';
import { neo4jForTests, resetNeo4j, type Neo4jConnection } from '../../support/neo4j-server.ts';

const neo = await neo4jForTests();

async function count(driver: Driver, cypher: string): Promise<number> {
  const { records } = await driver.executeQuery(cypher);
  return Number(records[0]?.get('n'));
}

/** What a reader sees of the graph: nodes, a relationship page, the ledger, a node's history, a search. */
async function readAll(store: GraphStore): Promise<unknown> {
  const ids = Array.from({ length: 6 }, (_, k) => `r-${k}`);
  return {
    nodes: [...(await store.getNodes([...ids, 'p-0', 'p-5'])).values()].sort((a, b) => a.id.localeCompare(b.id)),
    list: (await store.listNodes({ class: 'Referral', first: 50 })).items.map((i) => i.node.id),
    related: [...(await store.related({ ids: ['r-2'], type: 'forPatient', direction: 'out', first: 10 })).get('r-2')!.items].map((i) => i.node.id),
    ledger: await store.ledger(0, 100),
    history: await store.history('r-3', { first: 10 }),
    search: (await store.search({ text: 'reason', first: 20 })).items.map((h) => h.node.id).sort(),
  };
}

/** Renames a current database back to the layout an older trailgraph wrote. */
async function toOldLayout(driver: Driver): Promise<void> {
  for (const name of ['tg_node_id', 'tg_ledger_key', 'tg_ledger_seq', 'tg_ledger_node_ref']) await driver.executeQuery(`DROP CONSTRAINT ${name} IF EXISTS`);
  for (const name of ['tg_ledger_event_lookup', 'tg_search']) await driver.executeQuery(`DROP INDEX ${name} IF EXISTS`);
  await driver.executeQuery('MATCH (n:TrailgraphNode) SET n:Resource REMOVE n:TrailgraphNode');
  await driver.executeQuery('MATCH (n:TrailgraphLedgerEntry) SET n:LedgerEntry REMOVE n:TrailgraphLedgerEntry');
  await driver.executeQuery('MATCH (n:TrailgraphLedgerNodeRef) SET n:LedgerNodeRef REMOVE n:TrailgraphLedgerNodeRef');
  await driver.executeQuery('MATCH (l)-[t:TRAILGRAPH_TOUCHES]->(r) CREATE (l)-[t2:TOUCHES]->(r) SET t2 = properties(t) DELETE t');
  await driver.executeQuery("MATCH (v:TrailgraphNodeVersion) SET v.labels = ['Resource'] + v.labels");
  await driver.executeQuery("MATCH (m:TrailgraphMeta {key: 'meta:data.version'}) DELETE m");
  await driver.executeQuery('CREATE CONSTRAINT tg_resource_id FOR (n:Resource) REQUIRE n.id IS UNIQUE');
  await driver.executeQuery('CREATE CONSTRAINT tg_ledger_key FOR (l:LedgerEntry) REQUIRE (l.eventId, l.source) IS UNIQUE');
  await driver.executeQuery('CREATE CONSTRAINT tg_ledger_seq FOR (l:LedgerEntry) REQUIRE l.seq IS UNIQUE');
  await driver.executeQuery('CREATE CONSTRAINT tg_ledger_node_ref FOR (r:LedgerNodeRef) REQUIRE r.id IS UNIQUE');
  await driver.executeQuery('CREATE INDEX tg_ledger_event_lookup FOR (l:LedgerEntry) ON (l.eventId)');
  await driver.executeQuery("CREATE FULLTEXT INDEX tg_search FOR (n:Resource) ON EACH [n.reason, n.name] OPTIONS { indexConfig: { `fulltext.analyzer`: 'standard-no-stop-words' } }");
  await driver.executeQuery('CALL db.awaitIndexes(300)');
}

void describe('Neo4j data upgrades', { skip: 'skip' in neo ? neo.skip : false }, () => {
  if ('skip' in neo) return;
  const c: Neo4jConnection = neo.connection;
  let driver: Driver;
  let store: GraphStore;
  let seen: unknown;
  before(async () => {
    await resetNeo4j(c, { schema: true });
    driver = neo4j.driver(c.uri, neo4j.auth.basic(c.user, c.password));
    store = createNeo4jStore({ uri: c.uri, user: c.user, password: c.password });
    await store.init(ontology);
    for (let k = 0; k < 6; k++) {
      await store.applyBatch([
        changeSet(`up-${k}`, [upsert(`Referral/r-${k}`, { reason: `reason ${k}`, priority: 'urgent' }), upsert(`Patient/p-${k}`, { name: `Patient ${k}` }), link('forPatient', `Referral/r-${k}`, `Patient/p-${k}`)]),
      ]);
    }
    await store.applyBatch([changeSet('up-edit', [upsert('Referral/r-3', { priority: 'routine' })])]);
    seen = await readAll(store);
    await store.close();
  });
  after(async () => {
    await driver.close();
    await resetNeo4j(c, { schema: true });
  });

  void it('moves an old database onto the namespaced names and answers every read as before', async () => {
    await toOldLayout(driver);
    assert.equal(await count(driver, 'MATCH (n:Resource) RETURN count(n) AS n'), 12);
    store = createNeo4jStore({ uri: c.uri, user: c.user, password: c.password });
    try {
      await store.init(ontology);
      assert.deepEqual(await readAll(store), seen);
      await store.applyBatch([changeSet('up-after', [upsert('Referral/r-0', { priority: 'routine' })])]);
      assert.equal((await store.getNode('r-0'))?.properties.priority, 'routine');
    } finally {
      await store.close();
    }
    for (const label of ['Resource', 'LedgerEntry', 'LedgerNodeRef']) assert.equal(await count(driver, `MATCH (n:${label}) RETURN count(n) AS n`), 0, label);
    assert.equal(await count(driver, 'MATCH ()-[t:TOUCHES]->() RETURN count(t) AS n'), 0);
    assert.equal(await count(driver, "MATCH (v:TrailgraphNodeVersion) WHERE 'Resource' IN v.labels RETURN count(v) AS n"), 0);
    assert.equal(await count(driver, "SHOW CONSTRAINTS YIELD labelsOrTypes WHERE labelsOrTypes[0] IN ['Resource', 'LedgerEntry', 'LedgerNodeRef'] RETURN count(*) AS n"), 0);
    assert.equal(await count(driver, "SHOW INDEXES YIELD labelsOrTypes WHERE labelsOrTypes[0] IN ['Resource', 'LedgerEntry', 'LedgerNodeRef'] RETURN count(*) AS n"), 0);
    assert.equal(await count(driver, "SHOW CONSTRAINTS YIELD name WHERE name IN ['tg_node_id', 'tg_ledger_key', 'tg_ledger_seq', 'tg_ledger_node_ref'] RETURN count(*) AS n"), 4);
    const { records } = await driver.executeQuery("MATCH (m:TrailgraphMeta {key: 'meta:data.version'}) RETURN m.value AS v");
    assert.equal(records[0]?.get('v'), String(DATA_VERSION));
  });

  void it('runs nothing on a database that is current', async () => {
    const exec = createExecutor({ uri: c.uri, user: c.user, password: c.password });
    try {
      assert.deepEqual(await upgradeData(exec), []);
    } finally {
      await exec.close();
    }
  });
});
