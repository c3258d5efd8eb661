/**
 * The Neo4j migration target's Cypher, checked without a database (the neo4j/graphql "TCK" tier): every
 * statement the builders emit for the referral 1.0.0 → 2.0.0 migration is linted by Neo4j's own parser
 * (@neo4j-cypher/language-support) against a schema of both versions' names, passes every $parameter it uses,
 * and never carries a value in its text.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { lintCypherQuery, type DbSchema } from '@neo4j-cypher/language-support';
import * as m from '../../src/adapters/neo4j/migration-target.ts';
import type { Statement } from '../../src/adapters/neo4j/cypher/statement.ts';
import { INTERNAL_LABELS, INTERNAL_REL_TYPES } from '../../src/adapters/neo4j/cypher/statement.ts';
import { loadVersionChain, type LoadedChain } from '../../src/app/ontology/ontology-versions.ts';
import { rewriteNode } from '../../src/core/migrations/node-rewrite.ts';
import { planSteps } from '../../src/core/migrations/plan.ts';
import { labelsOf } from '../../src/core/ontology/model.ts';

const V = (s: string): string => `⟦${s}⟧`;
let chain: LoadedChain;
let schema: (params: Readonly<Record<string, unknown>>) => DbSchema;

before(async () => {
  chain = await loadVersionChain('ontology/referral');
  const names = (kind: 'object' | 'datatype') => chain.ontologies.flatMap((o) => [...o.properties.values()].filter((p) => p.kind === kind).map((p) => p.name));
  schema = (params) => ({
    labels: [...INTERNAL_LABELS, ...chain.ontologies.flatMap((o) => [...o.classes.keys()])],
    relationshipTypes: [...INTERNAL_REL_TYPES, ...names('object')],
    propertyKeys: ['id', '_class', '_eventId', '_source', '_time', '_seq', '_createdSeq', 'key', 'value', ...names('datatype')],
    parameters: { ...params },
  });
});

function statements(): Record<string, Statement> {
  const [v2] = [chain.ontologies[1]!];
  const [rename, move] = planSteps(chain.migrations);
  const referral = { id: V('r-1'), class: 'Referral', labels: ['Referral'], properties: { priority: V('urgent'), insuranceStatus: V('pending') } };
  const raw = { id: V('r-1'), _class: 'Referral', _eventId: V('e-1'), _source: V('agent://x'), _time: V('t'), _seq: 7, _createdSeq: 7, ...referral.properties };
  const ctx = { labelsOf: (c: string) => labelsOf(v2, c), time: V('t') };
  const out: Record<string, Statement> = {
    readAll: m.readNodesStatement(undefined, V('r-0'), 5000),
    readLabel: m.readNodesStatement('Referral', V('r-0'), 5000),
    relabel: m.relabelStatement([V('r-1')], ['Specialist'], ['GeneralPractitioner', 'Practitioner']),
    moveRels: m.moveRelationshipsStatement('referredBy', 'hasCondition', false, 5000),
    reverseRels: m.moveRelationshipsStatement('forReferral', 'followUps', true, 5000),
    countNodes: m.countNodesStatement('Referral'),
    countAll: m.countNodesStatement(undefined),
    countRels: m.countRelationshipsStatement('forPatient'),
    progressRead: m.readProgressStatement(rename!.progressKey),
    progressWrite: m.writeProgressStatement(rename!.progressKey, V('{}')),
    delete: m.deleteNodesStatement([V('x')]),
  };
  for (const [name, step] of [['rename', rename!], ['move', move!]] as const) {
    const rewrite = rewriteNode(step.step, referral, ctx);
    m.batchStatements([{ raw, before: referral, rewrite }]).forEach((s, i) => (out[`${name}.batch.${i}`] = s));
  }
  return out;
}

void test('the move step writes the owner, merges the new node and links it; the rename only replaces properties', () => {
  const s = statements();
  assert.deepEqual(Object.keys(s).filter((k) => k.includes('.batch.')), ['rename.batch.0', 'move.batch.0', 'move.batch.1', 'move.batch.2']);
  assert.match(s['move.batch.1']!.cypher, /MERGE \(n:TrailgraphNode \{id: row.id\}\).*:`InsuranceVerification`/);
  assert.match(s['move.batch.2']!.cypher, /MERGE \(a\)-\[r:`hasInsuranceVerification`\]->\(b\)/);
  const rows = s['rename.batch.0']!.params.rows as { props: Record<string, unknown> }[];
  assert.equal(rows[0]!.props.triageLevel, V('urgent'));
  assert.equal(rows[0]!.props._eventId, V('e-1'), 'internal keys are written back, or SET n = row.props would drop them');
  assert.equal(rows[0]!.props.priority, undefined);
});

void test('every migration statement passes Neo4j\'s linter, passes its parameters and carries no value in its text', () => {
  for (const [name, s] of Object.entries(statements())) {
    const diags = lintCypherQuery(s.cypher, schema(s.params));
    assert.deepEqual(diags.map((d) => `${name}: ${d.severity === 1 ? 'error' : 'warning'}: ${typeof d.message === 'string' ? d.message : d.message.value}`), [], s.cypher);
    const used = new Set([...s.cypher.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((x) => x[1]));
    for (const p of used) assert.ok(p !== undefined && p in s.params, `${name}: $${p} is not in params`);
    assert.ok(!s.cypher.includes('⟦'), `${name}: a value reached the Cypher text: ${s.cypher}`);
  }
});

void test('names that are not plain identifiers never reach the text', () => {
  assert.throws(() => m.countNodesStatement('Referral`) DETACH DELETE (n'), /not a valid graph name/);
});
