/**
 * The query benchmark's graph in Neo4j: the same shape as query-seed.ts (1 Specialty hub, N/1000 GPs, N/3
 * patients, the rest referrals → patient, GP, Specialty), written in bulk with UNWIND in exactly the form the Neo4j
 * store writes (labels :TrailgraphNode + class and superclasses, `_class`, provenance properties, relationship
 * provenance), after the store's own init() made its constraints and indexes. Seeding is not what is measured, and
 * applying 100k events one op at a time through the store would take the better part of an hour.
 */
import neo4j from 'neo4j-driver';
import { createNeo4jStore } from '../../src/adapters/neo4j/index.ts';
import { labelExpr } from '../../src/adapters/neo4j/cypher/names.ts';
import { loadOntology } from '../../src/app/ontology/ontology-loader.ts';
import { VERSION_META_KEY } from '../../src/core/migrations/plan.ts';
import { labelsOf } from '../../src/core/ontology/model.ts';
import { resetNeo4j, type Neo4jConnection } from '../../test/support/neo4j-server.ts';
import { shapeOf, type SeedShape } from './query-seed.ts';

const PROV = "_source: 'agent://bench', _time: '2026-11-21T09:00:00Z'";
const pad = (n: string): string => `right('000000' + toString(${n} % 1000000), 6)`;

export async function seedNeo4j(c: Neo4jConnection, nodes: number): Promise<SeedShape> {
  const shape = shapeOf(nodes);
  const ontology = await loadOntology('ontology/referral');
  await resetNeo4j(c);
  const store = createNeo4jStore({ uri: c.uri, user: c.user, password: c.password, ontology });
  await store.init(ontology);
  await store.setMeta(VERSION_META_KEY, ontology.version);
  await store.close();
  const driver = neo4j.driver(c.uri, neo4j.auth.basic(c.user, c.password));
  const L = (cls: string): string => labelExpr(ontology, labelsOf(ontology, cls));
  const run = async (cypher: string, params: Record<string, unknown>): Promise<void> => void (await driver.executeQuery(cypher, params));
  const chunks = async (count: number, cypher: string, offset = 0): Promise<void> => {
    // INTEGER parameters: the driver sends a plain JS number as FLOAT, and 'p-' + (r % 6666.0) is 'p-17.0', which
    // matches no node — the relationships were silently never created.
    const int = neo4j.int;
    for (let from = 0; from < count; from += 10_000) await run(cypher, { from: int(from), to: int(Math.min(count, from + 10_000) - 1), offset: int(offset), patients: int(shape.patients), gps: int(shape.gps) });
  };
  try {
    await run(`CREATE (:${L('Specialty').slice(1)} {id: 'sp-card', code: 'CARD', name: 'Cardiology', _class: 'Specialty', _eventId: 'ref-0', ${PROV}, _seq: 1, _createdSeq: 1})`, {});
    await chunks(shape.gps, `UNWIND range($from, $to) AS g CREATE (:${L('GeneralPractitioner').slice(1)} {id: 'gp-' + g, name: 'Dr ' + g, _class: 'GeneralPractitioner', _eventId: 'gp-' + g, ${PROV}, _seq: 2 + g, _createdSeq: 2 + g})`);
    await chunks(shape.patients, `UNWIND range($from, $to) AS p CREATE (:${L('Patient').slice(1)} {id: 'p-' + p, name: 'Patient ' + p, birthDate: '1970-01-01', mrn: 'MRN-' + ${pad('p')}, _class: 'Patient', _eventId: 'pat-' + p, ${PROV}, _seq: $offset + p, _createdSeq: $offset + p})`, 2 + shape.gps);
    const base = 2 + shape.gps + shape.patients;
    await chunks(shape.referrals,
      `UNWIND range($from, $to) AS r CREATE (x:${L('Referral').slice(1)} {id: 'r-' + r, reason: 'bench referral', triageLevel: CASE WHEN r % 7 = 0 THEN 'urgent' ELSE 'routine' END, ` +
      `status: 'requested', requestedAt: '2026-11-21T09:00:00Z', _class: 'Referral', _eventId: 'ref-' + r, ${PROV}, _seq: $offset + r, _createdSeq: $offset + r}) ` +
      'WITH x, r MATCH (p:TrailgraphNode {id: \'p-\' + (r % $patients)}), (g:TrailgraphNode {id: \'gp-\' + (r % $gps)}), (s:TrailgraphNode {id: \'sp-card\'}) ' +
      `CREATE (x)-[:forPatient {_eventId: 'ref-' + r, ${PROV}, _seq: $offset + r, _createdSeq: $offset + r}]->(p) ` +
      `CREATE (x)-[:referredBy {_eventId: 'ref-' + r, ${PROV}, _seq: $offset + r, _createdSeq: $offset + r}]->(g) ` +
      `CREATE (x)-[:requestedSpecialty {_eventId: 'ref-' + r, ${PROV}, _seq: $offset + r, _createdSeq: $offset + r}]->(s)`, base);
    await run("MERGE (h:TrailgraphMeta {key: 'head'}) SET h.seq = $seq", { seq: neo4j.int(base + shape.referrals) });
    // A seed that wrote nodes but no relationships measures empty pages; fail instead of publishing such figures.
    const rels = await driver.executeQuery('MATCH ()-[r]->() RETURN count(r) AS n');
    const written = Number(rels.records[0]?.get('n'));
    if (written !== 3 * shape.referrals) throw new Error(`seeding Neo4j wrote ${written} relationships, expected ${3 * shape.referrals} (3 per referral); the query rows would measure empty pages`);
  } finally {
    await driver.close();
  }
  return shape;
}
