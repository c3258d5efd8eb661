/**
 * An ontology whose classes share names with trailgraph's machinery — `Resource` (the old storage label),
 * `Relationship` and `Event` (API types / root fields), properties `type` (DCAT uses `dcterms:type`) and `history` — is stored and served on both stores:
 * events create the nodes, the API serves the colliding classes under escaped names (`Relationship_`,
 * `relationship_`; `Event` keeps its type name, but its root fields `event_`, `events_` step aside for the built-in
 * `event`) beside its own `Relationship`, and `__typename` names the escaped type.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compileOntology } from '../../src/core/ontology/compile.ts';
import { PREFIXES } from '../core/ontology/helpers.ts';
import { storesUnderTest } from '../support/stores.ts';
import { createHarness, event, type Harness } from './harness.ts';

const TTL = `${PREFIXES}
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<http://www.w3.org/ns/dcat> a owl:Ontology ; owl:versionInfo "3.0.0" ; owl:imports <https://trailgraph.dev/ns/tg> .

dcat:Resource a owl:Class .
dcat:Dataset a owl:Class ; rdfs:subClassOf dcat:Resource .
dcat:Relationship a owl:Class .
dcat:Event a owl:Class .
dcat:title a owl:DatatypeProperty , owl:FunctionalProperty ; rdfs:domain dcat:Resource ; rdfs:range xsd:string .
dcat:type a owl:DatatypeProperty , owl:FunctionalProperty ; rdfs:domain dcat:Resource ; rdfs:range xsd:string .
dcat:history a owl:DatatypeProperty , owl:FunctionalProperty ; rdfs:domain dcat:Resource ; rdfs:range xsd:string .
dcat:hadRole a owl:DatatypeProperty , owl:FunctionalProperty ; rdfs:domain dcat:Relationship ; rdfs:range xsd:string .
dcat:qualifiedRelation a owl:ObjectProperty ; rdfs:domain dcat:Resource ; rdfs:range dcat:Relationship .
dcat:landingPage a owl:ObjectProperty ; rdfs:domain dcat:Resource ; rdfs:range foaf:Document .

dcat:DatasetPublished a tg:EventType ; tg:aggregate dcat:Dataset ; tg:creates dcat:Dataset , dcat:Relationship .
dcat:EventRecorded a tg:EventType ; tg:aggregate dcat:Event ; tg:creates dcat:Event .
`;

const compiled = compileOntology([{ file: 'dcat.ttl', text: TTL }]);
assert.deepEqual(compiled.diagnostics.filter((d) => d.severity === 'error'), []);
const ontology = compiled.ontology!;

for (const s of await storesUnderTest()) {
  void describe(`classes named like trailgraph's machinery (${s.kind})`, { skip: s.skip }, () => {
    let h: Harness;
    before(async () => {
      const fresh = await s.fresh();
      h = await createHarness(ontology, { openStore: (o) => fresh.open(o) });
      await h.publish(
        event('DatasetPublished', { '@type': 'Dataset', id: 'ds-1', title: 'Bathing water', type: 'open data', history: 'first published 1998', qualifiedRelation: { '@type': 'Relationship', id: 'rel-1', hadRole: 'original' } }),
        event('EventRecorded', { '@type': 'Event', id: 'ev-1' }),
      );
    });
    after(async () => h?.close());

    void it('keeps a property named type, filters and sorts by it', async () => {
      const r = await h.gql<{ datasets: { nodes: { id: string; type: string }[] } }>('{ datasets(where: { type: { eq: "open data" } }, orderBy: { field: type }) { nodes { id type } } }');
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      assert.deepEqual(r.data?.datasets.nodes, [{ id: 'ds-1', type: 'open data' }]);
      assert.equal((await h.store.getNode('ds-1'))?.properties.type, 'open data');
    });

    void it('serves a property named like a node field (history) as history_, beside the ledger history', async () => {
      const r = await h.gql<{ datasets: { nodes: { history_: string; history: { eventId: string }[] }[] } }>(
        '{ datasets(where: { history_: { prefix: "first" } }, orderBy: { field: history_ }) { nodes { history_ history { eventId } } } }',
      );
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      assert.equal(r.data?.datasets.nodes[0]?.history_, 'first published 1998');
      assert.equal(r.data?.datasets.nodes[0]?.history.length, 1);
      assert.equal((await h.store.getNode('ds-1'))?.properties.history, 'first published 1998');
    });

    void it('stores a Dataset as a Resource and lists it under resources', async () => {
      const r = await h.gql<{ resources: { nodes: { id: string; __typename: string; _labels: string[] }[] } }>('{ resources { nodes { id __typename _labels } } }');
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      assert.deepEqual(r.data?.resources.nodes, [{ id: 'ds-1', __typename: 'Dataset', _labels: ['Dataset', 'Resource'] }]);
    });

    void it('serves the class Relationship as Relationship_ beside the API own Relationship type', async () => {
      const r = await h.gql<Record<string, unknown>>(`{
        relationship_(id: "rel-1") { __typename id hadRole }
        dataset(id: "ds-1") { qualifiedRelation { nodes { __typename id } } }
        neighbourhood(id: "ds-1") { relationships { __typename type fromId toId } }
        events_ { nodes { __typename id } }
      }`);
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      assert.deepEqual(r.data, {
        relationship_: { __typename: 'Relationship_', id: 'rel-1', hadRole: 'original' },
        dataset: { qualifiedRelation: { nodes: [{ __typename: 'Relationship_', id: 'rel-1' }] } },
        neighbourhood: { relationships: [{ __typename: 'Relationship', type: 'qualifiedRelation', fromId: 'ds-1', toId: 'rel-1' }] },
        events_: { nodes: [{ __typename: 'Event', id: 'ev-1' }] },
      });
    });
  });
}
