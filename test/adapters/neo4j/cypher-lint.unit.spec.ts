/**
 * Every statement the Neo4j builders emit is checked by Neo4j's own Cypher parser and semantic analysis
 * (@neo4j-cypher/language-support), against a schema listing exactly the labels, relationship types, property keys
 * and parameters the adapter may use — so an unknown label or a parameter the statement does not pass is an error
 * here, not in production.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintCypherQuery, type DbSchema } from '@neo4j-cypher/language-support';
import { INTERNAL_LABELS, INTERNAL_REL_TYPES } from '../../../src/adapters/neo4j/cypher/statement.ts';
import { catalogue, ontology, V } from './catalogue.ts';

const INTERNAL_KEYS = [
  'id', '_class', '_eventId', '_source', '_time', '_seq', '_createdSeq', '_lock', 'key', 'seq', 'value', 'name', 'position',
  'kind', 'eventId', 'type', 'source', 'time', 'committedAt', 'subject', 'traceparent', 'correlationid', 'causationid', 'changes', 'event',
  'changeFirstIds', 'changeSecondIds',
  'on', 'strength', 'firstStrength', 'halfLifeMs', 'ttlMs', 'agent', 'note', 'createdAt', 'reinforcedAt', 'expiresAt',
  'purpose', 'token', 'grantedAt',
];

function schemaFor(params: Readonly<Record<string, unknown>>): DbSchema {
  const objectProps = [...ontology.properties.values()].filter((p) => p.kind === 'object').map((p) => p.name);
  const datatypeProps = [...ontology.properties.values()].filter((p) => p.kind === 'datatype').map((p) => p.name);
  return {
    labels: [...INTERNAL_LABELS, ...ontology.classes.keys()],
    relationshipTypes: [...INTERNAL_REL_TYPES, ...objectProps],
    propertyKeys: [...INTERNAL_KEYS, ...datatypeProps],
    parameters: { ...params },
  };
}

const statements = catalogue();

void test('the catalogue covers every builder module', () => {
  for (const prefix of ['schema.', 'apply.', 'reads.', 'marks.', 'claims.']) {
    assert.ok(Object.keys(statements).some((k) => k.startsWith(prefix)), prefix);
  }
});

for (const [name, s] of Object.entries(statements)) {
  void test(`${name}: Neo4j's linter finds no error or warning`, () => {
    const diags = lintCypherQuery(s.cypher, schemaFor(s.params));
    assert.deepEqual(
      diags.map((d) => `${d.severity === 1 ? 'error' : 'warning'}: ${d.message} at ${d.offsets.start}`),
      [],
      s.cypher,
    );
  });
  void test(`${name}: every $parameter is passed and no value is written into the text`, () => {
    const used = new Set([...s.cypher.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
    for (const p of used) assert.ok(p !== undefined && p in s.params, `$${p} is not in params`);
    assert.ok(!s.cypher.includes('⟦'), `a value reached the Cypher text: ${s.cypher}`);
  });
}

void test('the linter is a real signal: an undeclared parameter and an unknown label are reported', () => {
  const diags = lintCypherQuery('MATCH (n:Nope {id: $missing}) RETURN n', schemaFor({}));
  const text = diags.map((d) => (typeof d.message === 'string' ? d.message : d.message.value)).join('\n');
  assert.match(text, /missing/);
  assert.match(text, /Nope/);
});

void test('a name the ontology does not declare is refused before it reaches Cypher', async () => {
  const reads = await import('../../../src/adapters/neo4j/cypher/reads.ts');
  assert.throws(() => reads.listNodes(ontology, { class: 'Patient` DETACH DELETE n //', first: 1 }, 0), /not a class/);
  assert.throws(() => reads.listNodes(ontology, { class: 'Patient', first: 1, filters: [{ property: V('x'), op: 'eq', value: 1 }] }, 0), /not a datatype property/);
  assert.throws(() => reads.countRelated(ontology, [], 'name', 'out'), /not an object property/);
  assert.throws(() => reads.neighbourhood(ontology, 'x', 99, undefined, 10), /hops/);
});
