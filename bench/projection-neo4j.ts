/**
 * Projection throughput on Neo4j: the same change sets as bench/projection.ts (a ReferralRequested = a new
 * Referral with 4 properties, a new Patient, the forPatient relationship, one ledger row touching both nodes)
 * applied in batches with `GraphStore.applyBatch` to the Neo4j store, against a raw neo4j-driver writer that puts
 * the same nodes, relationships, ledger rows, history links, head and checkpoint into the same database with one
 * `UNWIND` statement per batch (no reads, no duplicate check, no class rule, no change computation). Same server,
 * same constraints and indexes (the store's init()), one write transaction per batch on both sides, built in
 * lockstep alternating which side goes first. The raw side's ids are prefixed `raw-` so both graphs share the
 * database (Community has one). The SQLite figures of the same run are printed beside them.
 *
 *   NEO4J_URI=bolt://… NEO4J_PASSWORD=… node --import tsx bench/run.ts projection-neo4j --nodes 10000 --batch 500
 *   (without NEO4J_URI a test server is started: test/support/neo4j-server.ts)
 */
import { Command } from 'commander';
import neo4j from 'neo4j-driver';
import { createNeo4jStore } from '../src/adapters/neo4j/index.ts';
import type { ChangeSet } from '../src/core/projection/change-set.ts';
import { clinicOntology } from '../test/fixtures/clinic-ontology.ts';
import { resetNeo4j, startNeo4jServer, type Neo4jConnection } from '../test/support/neo4j-server.ts';
import { type Apply, lockstep, projectionEvent, runSqlite } from './projection.ts';

const ontology = clinicOntology();
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** The store side: applyBatch with a checkpoint, as the ingest loop calls it. */
async function openStore(c: Neo4jConnection): Promise<{ apply: Apply; close(): Promise<void> }> {
  const store = createNeo4jStore({ uri: c.uri, user: c.user, password: c.password, ontology });
  await store.init(ontology);
  let position = 0;
  return {
    apply: async (css) => void (await store.applyBatch(css, { checkpoint: { name: 'bench', position: (position += css.length) } })),
    close: () => store.close(),
  };
}

const RAW = `
MERGE (h:TrailgraphMeta {key: 'raw-head'}) SET h.seq = $lastSeq
WITH 1 AS one
UNWIND $rows AS row
CREATE (r:TrailgraphNode:Referral {id: row.r}) SET r += row.rProps, r._class = 'Referral', r._eventId = row.eventId, r._source = row.source, r._time = row.time, r._seq = row.seq, r._createdSeq = row.seq
CREATE (p:TrailgraphNode:Patient {id: row.p}) SET p += row.pProps, p._class = 'Patient', p._eventId = row.eventId, p._source = row.source, p._time = row.time, p._seq = row.seq, p._createdSeq = row.seq
CREATE (r)-[fp:forPatient]->(p) SET fp._eventId = row.eventId, fp._source = row.source, fp._time = row.time, fp._seq = row.seq, fp._createdSeq = row.seq
CREATE (l:TrailgraphLedgerEntry) SET l = row.ledger
WITH l, row UNWIND [row.r, row.p] AS nodeId
MERGE (x:TrailgraphLedgerNodeRef {id: nodeId}) CREATE (l)-[:TRAILGRAPH_TOUCHES]->(x)
WITH count(*) AS written
MERGE (c:TrailgraphCheckpoint {name: 'raw-bench'}) SET c.position = $lastSeq`;

/** The same rows in one UNWIND per batch: the floor the store is compared with. */
function openRaw(c: Neo4jConnection): { apply: Apply; close(): Promise<void> } {
  const driver = neo4j.driver(c.uri, neo4j.auth.basic(c.user, c.password));
  let seq = 1_000_000_000; // ledger seqs are unique across the database: the raw side's live far above the store's
  return {
    apply: async (css: ChangeSet[]) => {
      const rows = css.map((cs) => {
        seq++;
        const [r, p] = cs.ops as [Extract<ChangeSet['ops'][number], { op: 'upsertNode' }>, Extract<ChangeSet['ops'][number], { op: 'upsertNode' }>];
        const changes = [
          { kind: 'node', change: 'created', id: `raw-${r.node.id}`, class: 'Referral', properties: Object.keys(r.set) },
          { kind: 'node', change: 'created', id: `raw-${p.node.id}`, class: 'Patient', properties: Object.keys(p.set) },
          { kind: 'relationship', change: 'created', type: 'forPatient', from: { id: `raw-${r.node.id}`, class: 'Referral' }, to: { id: `raw-${p.node.id}`, class: 'Patient' } },
        ];
        return {
          r: `raw-${r.node.id}`, p: `raw-${p.node.id}`, rProps: r.set, pProps: p.set, eventId: `raw-${cs.eventId}`, source: cs.source, time: cs.time, seq,
          ledger: { seq, kind: 'event', eventId: `raw-${cs.eventId}`, type: cs.type, source: cs.source, time: cs.time, committedAt: new Date().toISOString(),
            ...(cs.subject !== undefined && { subject: cs.subject }), changes: JSON.stringify(changes), event: JSON.stringify(cs.event),
            changeFirstIds: [`raw-${r.node.id}`, `raw-${p.node.id}`, `raw-${r.node.id}`], changeSecondIds: [`raw-${r.node.id}`, `raw-${p.node.id}`, `raw-${p.node.id}`] },
        };
      });
      await driver.executeQuery(RAW, { rows, lastSeq: seq }, { routing: neo4j.routing.WRITE });
    },
    close: () => driver.close(),
  };
}

export async function main(argv: string[]): Promise<void> {
  const opts = new Command('projection-neo4j')
    .description('events/s applying change sets to the Neo4j store vs a raw UNWIND writer of the same rows (and the SQLite pair)')
    .option('--nodes <list>', 'graph sizes to build, comma-separated', '10000')
    .option('--batch <n>', 'change sets per batch (one transaction)', '500')
    .parse(argv, { from: 'user' })
    .opts<{ nodes: string; batch: string }>();
  const batch = Number(opts.batch);
  const server = process.env.NEO4J_URI ? undefined : await startNeo4jServer();
  const c: Neo4jConnection = server ?? { uri: process.env.NEO4J_URI!, user: process.env.NEO4J_USER ?? 'neo4j', password: process.env.NEO4J_PASSWORD ?? '' };
  const rows: string[] = [];
  try {
    for (const nodes of opts.nodes.split(',').map((s) => Number(s.trim())).filter((n) => n > 0)) {
      const events = Math.ceil(nodes / 2);
      await resetNeo4j(c);
      console.log(`\nNeo4j: ${fmt(nodes)} nodes per side = ${fmt(events)} events, batches of ${batch}`);
      const storeSide = await openStore(c);
      const rawSide = openRaw(c);
      const r = await lockstep(events, batch, storeSide.apply, rawSide.apply, projectionEvent);
      await storeSide.close();
      await rawSide.close();
      const s = await runSqlite(nodes, batch);
      const rate = (x: { seconds: number }) => events / x.seconds;
      // The bench process's CPU per event on each side: the driver's packing and the store's own work, steadier
      // than the rates on a shared machine (the Neo4j server's CPU is not in it).
      const cpu = (x: { cpuSeconds: number }) => fmt((x.cpuSeconds / events) * 1e6);
      rows.push(`| Neo4j | ${fmt(nodes)} | ${batch} | ${fmt(rate(r.store))} | ${fmt(rate(r.raw))} | ${(rate(r.store) / rate(r.raw)).toFixed(2)}× | ${cpu(r.store)} / ${cpu(r.raw)} |`);
      rows.push(`| SQLite | ${fmt(nodes)} | ${batch} | ${fmt(rate(s.store))} | ${fmt(rate(s.raw))} | ${(rate(s.store) / rate(s.raw)).toFixed(2)}× | ${cpu(s.store)} / ${cpu(s.raw)} |`);
    }
  } finally {
    await server?.stop();
  }
  console.log('\n| store | nodes | batch | store events/s | raw events/s | store/raw | bench CPU µs/event, store / raw |');
  console.log('|---|---|---|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
}
