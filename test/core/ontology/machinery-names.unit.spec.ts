/**
 * No domain term is turned away for sharing a name with trailgraph's storage machinery: an ontology shaped like
 * W3C DCAT — a class `Resource` every other class descends from, properties of FOAF declared locally, ranges in
 * FOAF classes it does not load — compiles and gets a GraphQL schema. A class named like one of the API's own types
 * is served under an escaped name; one that would still collide is reported by name instead of being merged.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSchema } from '../../../src/api/schema/index.ts';
import { compileOntology } from '../../../src/core/ontology/compile.ts';
import { ConfigError } from '../../../src/core/errors.ts';
import { PREFIXES } from './helpers.ts';

const DCAT_SHAPED = `${PREFIXES}
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<http://www.w3.org/ns/dcat> a owl:Ontology ; owl:versionInfo "3.0.0" .

dcat:Resource a owl:Class ; rdfs:label "Catalogued resource" .
dcat:Dataset a owl:Class ; rdfs:subClassOf dcat:Resource .
dcat:DataService a owl:Class ; rdfs:subClassOf dcat:Resource .
dcat:Catalog a owl:Class ; rdfs:subClassOf dcat:Dataset .
dcat:keyword a owl:DatatypeProperty ; rdfs:domain dcat:Resource ; rdfs:range xsd:string .
dcat:resource a owl:ObjectProperty ; rdfs:domain dcat:Catalog ; rdfs:range dcat:Resource .
dcat:landingPage a owl:ObjectProperty ; rdfs:domain dcat:Resource ; rdfs:range foaf:Document .
foaf:homepage a owl:ObjectProperty .
`;

void describe('machinery names are not domain names', () => {
  void it('compiles a DCAT-shaped ontology: a class Resource, FOAF classes it does not load as external classes', () => {
    const { ontology, diagnostics } = compileOntology([{ file: 'dcat.ttl', text: DCAT_SHAPED }]);
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
    assert.ok(ontology);
    assert.deepEqual(ontology.classes.get('Catalog')?.ancestors, ['Dataset', 'Resource']);
    assert.equal(ontology.classes.get('Document')?.iri, 'http://xmlns.com/foaf/0.1/Document');
    const external = diagnostics.find((d) => d.term === 'foaf:Document');
    assert.equal(external?.severity, 'warning');
    assert.match(external.message, /external vocabulary/);
    const schema = createSchema(ontology);
    assert.ok(schema.getType('Resource'));
    assert.ok(schema.getType('ResourceLike'));
    assert.ok(schema.getQueryType()?.getFields().resources);
  });

  void it('still refuses an undeclared class in a namespace whose classes the sources declare (a typo)', () => {
    const { ontology, diagnostics } = compileOntology([{ file: 'dcat.ttl', text: `${DCAT_SHAPED}dcat:service a owl:ObjectProperty ; rdfs:range dcat:DataServce .\n` }]);
    assert.equal(ontology, undefined);
    assert.ok(diagnostics.some((d) => d.severity === 'error' && d.term === 'dcat:DataServce'));
  });

  void it('serves a class named like an API type under an escaped name, and names a class that still collides', () => {
    const { ontology } = compileOntology([{ file: 'dcat.ttl', text: `${DCAT_SHAPED}dcat:Relationship a owl:Class .\n` }]);
    assert.ok(ontology);
    const schema = createSchema(ontology);
    assert.ok(schema.getType('Relationship_'));
    assert.ok(schema.getQueryType()?.getFields().relationships_);
    const own = schema.getType('Relationship');
    assert.ok(own && 'getFields' in own && 'fromId' in own.getFields(), 'the API Relationship type keeps its own fields');
    // A name generated for an API type (the Node connection) is not escaped; a class named so is refused, by name.
    const clash = compileOntology([{ file: 'dcat.ttl', text: `${DCAT_SHAPED}dcat:NodeConnection a owl:Class .\n` }]).ontology;
    assert.ok(clash);
    assert.throws(() => createSchema(clash), (err: unknown) => err instanceof ConfigError && /GraphQL type NodeConnection would be defined twice/.test(err.message));
  });
});
