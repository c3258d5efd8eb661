/**
 * Every statement shape the Neo4j builders can emit, over the clinic ontology, with values that are easy to spot
 * (`⟦…⟧`) so a test can prove no value reached the Cypher text.
 */
import { clinicOntology } from '../../fixtures/clinic-ontology.ts';
import * as apply from '../../../src/adapters/neo4j/cypher/apply.ts';
import * as unwind from '../../../src/adapters/neo4j/cypher/apply-unwind.ts';
import * as claims from '../../../src/adapters/neo4j/cypher/claims.ts';
import * as marks from '../../../src/adapters/neo4j/cypher/marks.ts';
import * as reads from '../../../src/adapters/neo4j/cypher/reads.ts';
import * as search from '../../../src/adapters/neo4j/cypher/search.ts';
import * as history from '../../../src/adapters/neo4j/cypher/history.ts';
import { inSequence } from '../../../src/adapters/neo4j/cypher/sequence.ts';
import * as backfill from '../../../src/adapters/neo4j/cypher/ledger-backfill.ts';
import { schemaStatements, showConstraints } from '../../../src/adapters/neo4j/cypher/schema.ts';
import { encodeCursor } from '../../../src/core/paging/cursor.ts';
import type { Statement } from '../../../src/adapters/neo4j/cypher/statement.ts';
import type { BatchProvenance } from '../../../src/adapters/neo4j/cypher/provenance.ts';
import type { ReadScope } from '../../../src/core/auth/read-scope.ts';

export const ontology = clinicOntology();

/** A user-provided string: must only ever appear in params. */
export const V = (s: string): string => `⟦${s}⟧`;

const prov: apply.ProvParams = { eventId: V('evt-1'), source: V('agent://intake'), time: '2026-11-21T09:00:00Z', seq: 7 };
const now = 1_800_000_000_000;
/** A batch of two applied change sets, seqs 7 and 8. */
const batchProv: BatchProvenance = { first: 7, eventIds: [V('evt-1'), V('evt-2')], sources: [V('agent://intake'), V('agent://intake')], times: [V('t1'), V('t2')] };

/** A specialist's read scope: two classes outright, referrals to it and their patients by row rules. */
const scope: ReadScope = {
  labels: ['Specialist', 'Specialty'],
  ruled: [
    { label: 'Referral', steps: [{ type: 'referredTo', direction: 'out' }], targetId: V('dr-1') },
    { label: 'Patient', steps: [{ type: 'forPatient', direction: 'in' }, { type: 'referredTo', direction: 'out' }], targetId: V('dr-1') },
  ],
};
/** A scope that shows nothing (a ruled grant whose claim the token lacks). */
const empty: ReadScope = { labels: [], ruled: [] };

export function catalogue(): Record<string, Statement> {
  const out: Record<string, Statement> = {};
  schemaStatements(ontology).forEach((s, i) => (out[`schema.${String(i).padStart(2, '0')}`] = s));
  Object.assign(out, {
    'schema.showConstraints': showConstraints(),
    'apply.lockHead': apply.lockHead(),
    'apply.setHead': apply.setHead(8),
    'apply.readNode': apply.readNode(V('r-1001')),
    'apply.createNode.referral': apply.createNode(ontology, V('r-1001'), 'Referral', ['Referral'], { reason: V('Chest pain'), priority: V('urgent'), score: 1 }, prov),
    'apply.createNode.patient': apply.createNode(ontology, V('p-1'), 'Patient', ['Patient'], { name: V('Ann'), allergy: [V('penicillin'), V('latex')] }, prov),
    'apply.createNode.bare': apply.createNode(ontology, V('gp-7'), 'GeneralPractitioner', ['GeneralPractitioner', 'Practitioner'], {}, prov),
    'apply.updateNode.props': apply.updateNode(ontology, V('p-1'), 'Patient', undefined, { allergy: [V('penicillin'), V('latex'), V('nuts')] }, ['birthDate'], prov),
    'apply.updateNode.refine': apply.updateNode(ontology, V('dr-1'), 'Specialist', ['Specialist', 'Practitioner'], { capacity: 3 }, [], prov),
    'apply.readTargets': apply.readTargets(ontology, 'referredTo', V('r-1001')),
    'apply.mergeRelationship': apply.mergeRelationship(ontology, 'forPatient', V('r-1001'), V('p-1'), prov),
    'unwind.openBatch': unwind.openBatch(ontology, {
      keys: [{ eventId: V('evt-1'), source: V('agent://a') }, { eventId: V('evt-2'), source: V('agent://b') }],
      ids: [V('r-1001'), V('p-1')],
      pairs: [{ type: 'referredBy', from: V('r-1001') }, { type: 'forPatient', from: V('r-1001') }, { type: 'referredBy', from: V('r-1002') }],
      probes: [{ type: 'hasSpecialty', from: V('s-1'), to: V('CAR') }],
    }),
    'unwind.openBatch.keysOnly': unwind.openBatch(undefined, { keys: [{ eventId: V('evt-1'), source: V('agent://a') }], ids: [], pairs: [], probes: [] }),
    'unwind.createNodes': unwind.createNodes(ontology, ['GeneralPractitioner', 'Practitioner'], [{ id: V('gp-7'), props: { name: V('Dr') }, class: 'GeneralPractitioner', seq: 8, createdSeq: 7 }], batchProv),
    'unwind.updateNodes': unwind.updateNodes(ontology, ['Referral'], [{ id: V('r-1001'), props: { priority: V('urgent'), reason: null }, class: 'Referral', seq: 7 }], batchProv),
    'unwind.createRelationships': unwind.createRelationships(ontology, 'forPatient', [{ from: V('r-1001'), to: V('p-1'), seq: 7 }], batchProv),
    'unwind.deleteRelationships': unwind.deleteRelationships(ontology, 'referredBy', [{ from: V('r-1001'), to: V('gp-7') }]),
    'apply.deleteRelationships.some': apply.deleteRelationships(ontology, 'referredTo', V('r-1001'), [V('dr-2')]),
    'apply.deleteRelationships.all': apply.deleteRelationships(ontology, 'hasSpecialty', V('dr-1'), null),
    'apply.readNodeForDelete': apply.readNodeForDelete(V('r-1001')),
    'apply.deleteNode': apply.deleteNode(V('r-1001')),
    'apply.writeLedger': apply.writeLedger([
      { props: { seq: 7, kind: 'event', eventId: V('evt-1'), type: 'ReferralRequested', source: V('agent://intake'), time: 't', committedAt: 't', changes: '[…]', changeFirstIds: [V('r-1001')], changeSecondIds: [V('r-1001')] }, touched: [V('r-1001')] },
    ]),
    'apply.setCheckpoint': apply.setCheckpoint(V('projector'), 42),
    'apply.writeEventLedger': apply.writeEventLedger([
      { seq: 7, type: 'ReferralRequested', committedAt: 't', changes: '[…]', changeFirstIds: [V('r-1001'), V('r-1001')], changeSecondIds: [V('r-1001'), V('p-1')] },
    ], batchProv),
    'sequence.batchWrites': inSequence([
      unwind.createNodes(ontology, ['Patient'], [{ id: V('p-1'), props: { name: V('Ann') }, class: 'Patient', seq: 7 }], batchProv),
      unwind.createRelationships(ontology, 'forPatient', [{ from: V('r-1001'), to: V('p-1'), seq: 7 }], batchProv),
      history.writeNodeHistory([{ id: V('r-1001'), closeAt: 7, versions: [{ seq: 7, vt: null, class: 'Referral', labels: ['TrailgraphNode', 'Referral'], props: V('{}'), eventId: V('evt-1'), source: V('agent://intake'), time: V('t'), createdSeq: null }] }]),
      apply.writeEventLedger([{ seq: 7, type: 'ReferralRequested', committedAt: 't', changes: '[…]', changeFirstIds: [V('p-1')], changeSecondIds: [V('p-1')] }], batchProv),
      apply.setHead(7),
      apply.setCheckpoint(V('projector'), 42),
    ]),
    'reads.getNodes': reads.getNodes([V('p-1'), V('r-1001')]),
    'reads.listNodes.plain': reads.listNodes(ontology, { class: 'Referral', first: 10 }, now),
    'reads.listNodes.everything': reads.listNodes(
      ontology,
      {
        class: 'Referral',
        first: 10,
        after: encodeCursor(V('urgent'), V('r-1')),
        sort: { property: 'priority', direction: 'desc' },
        filters: [
          { property: 'priority', op: 'in', value: [V('urgent'), V('emergency')] },
          { property: 'reason', op: 'contains', value: V('pain') },
          { property: 'score', op: 'gte', value: 0.5 },
          { property: 'status', op: 'ne', value: V('cancelled') },
          { property: 'requestedAt', op: 'exists', value: true },
          { property: 'id', op: 'prefix', value: V('r-') },
        ],
        marks: [{ kind: V('needs-review'), minStrength: 0.2 }, { kind: V('done'), absent: true }],
        relationships: [{ type: 'referredTo', direction: 'out', exists: false }],
      },
      now,
    ),
    'reads.listNodes.listProperty': reads.listNodes(
      ontology,
      { class: 'Patient', first: 5, after: encodeCursor(null, V('p-9')), sort: { property: 'name', direction: 'asc' }, filters: [{ property: 'allergy', op: 'eq', value: V('latex') }, { property: 'allergy', op: 'ne', value: V('nuts') }] },
      now,
    ),
    'reads.countNodes': reads.countNodes(ontology, { class: 'Practitioner', first: 1, filters: [{ property: 'name', op: 'lt', value: V('M') }] }, now),
    'reads.related.out': reads.related(ontology, { ids: [V('dr-1')], type: 'hasSpecialty', direction: 'out', first: 3, after: encodeCursor(V('CAR'), V('s-1')), sort: { property: 'code', direction: 'asc' }, filters: [{ property: 'name', op: 'prefix', value: V('Card') }] }),
    'reads.related.in': reads.related(ontology, { ids: [V('p-1'), V('p-2')], type: 'forPatient', direction: 'in', first: 3 }),
    'reads.countRelated': reads.countRelated(ontology, [V('p-1')], 'forPatient', 'in'),
    'reads.neighbourhood': reads.neighbourhood(ontology, V('r-1001'), 2, ['forPatient', 'referredBy'], 100),
    'reads.neighbourhood.anyType': reads.neighbourhood(ontology, V('r-1001'), 1, undefined, 100),
    'reads.paths': reads.paths(ontology, V('p-1'), V('dr-1'), 4, undefined, 10),
    'reads.history': reads.history(V('r-1001'), 0, 50),
    'reads.ledger': reads.ledger(0, 100),
    'reads.findEvent': reads.findEvent(V('evt-1')),
    'reads.findEvent.bySource': reads.findEvent(V('evt-1'), undefined, V('agent://a')),
    'reads.scoped.getNodes': reads.getNodes([V('p-1')], scope),
    'reads.scoped.getNodes.empty': reads.getNodes([V('p-1')], empty),
    'reads.scoped.listNodes': reads.listNodes(ontology, { class: 'Referral', first: 10, scope, filters: [{ property: 'priority', op: 'eq', value: V('urgent') }], after: encodeCursor(V('urgent'), V('r-1')), sort: { property: 'priority', direction: 'asc' } }, now),
    'reads.scoped.countNodes': reads.countNodes(ontology, { class: 'Referral', first: 10, scope }, now),
    'reads.scoped.listNodes.relationships': reads.listNodes(ontology, { class: 'Specialist', first: 10, scope, relationships: [{ type: 'referredTo', direction: 'in', exists: true }, { type: 'hasSpecialty', direction: 'out', exists: false }] }, now),
    'reads.scoped.related': reads.related(ontology, { ids: [V('p-1')], type: 'forPatient', direction: 'in', first: 3, scope }),
    'reads.scoped.countRelated': reads.countRelated(ontology, [V('p-1')], 'forPatient', 'in', scope),
    'reads.scoped.neighbourhood': reads.neighbourhood(ontology, V('r-1001'), 2, undefined, 100, scope),
    'reads.scoped.paths': reads.paths(ontology, V('p-1'), V('dr-1'), 4, ['forPatient', 'referredTo'], 10, scope),
    'reads.scoped.history': reads.history(V('r-1001'), 0, 50, scope),
    'reads.scoped.ledger': reads.ledger(0, 100, scope),
    'reads.scoped.findEvent': reads.findEvent(V('evt-1'), scope),
    'reads.scoped.findEvent.bySource': reads.findEvent(V('evt-1'), scope, V('agent://a')),
    'ledgerBackfill.lacking': backfill.entriesLackingChangeNodes(10_000),
    'ledgerBackfill.set': backfill.setChangeNodes([{ ref: V('4:db:7'), first: [V('r-1'), V('r-1')], second: [V('r-1'), V('p-1')] }]),
    'reads.headSeq': reads.headSeq(),
    'reads.getCheckpoint': reads.getCheckpoint(V('projector')),
    'reads.setMeta': reads.setMeta(V('ontologyVersion'), V('1.0.0')),
    'reads.getMeta': reads.getMeta(V('ontologyVersion')),
    'marks.createMark': marks.createMark(
      { id: V('m-1'), on: V('r-1001'), kind: V('needs-review'), strength: 1, firstStrength: 1, halfLifeMs: 60_000, ttlMs: null, agent: V('agent://triage'), note: V('look'), createdAt: now, createdSeq: 7, reinforcedAt: now, expiresAt: now + 400_000 },
    ),
    'marks.lockMark': marks.lockMark(V('m-1')),
    'marks.reinforceMark': marks.reinforceMark(V('m-1'), 0.9, now + 1000, now),
    'marks.deleteMark': marks.deleteMark(V('m-1')),
    'marks.sweepMarks': marks.sweepMarks(now),
    'marks.marksOn': marks.marksOn([V('r-1001')], V('needs-review'), now),
    'claims.lockClaim': claims.lockClaim(V('r-1001'), V('triage')),
    'claims.lockExistingClaim': claims.lockExistingClaim(V('r-1001'), V('triage')),
    'claims.writeClaim': claims.writeClaim(V('r-1001'), V('triage'), { agent: V('agent://a'), token: 3, grantedAt: now, expiresAt: now + 30_000 }),
    'claims.freeClaim': claims.freeClaim(V('r-1001'), V('triage')),
    'claims.sweepClaims': claims.sweepClaims(now),
    'claims.claimsOn': claims.claimsOn([V('r-1001')], now),
    'claims.lastToken': claims.lastToken(V('r-1001'), V('match')),
    'search.show': search.showSearchIndex(),
    'search.drop': search.dropSearchIndex(),
    'search.create': search.createSearchIndex(ontology),
    'search.await': search.awaitSearchIndex(600),
    'search.query': search.searchNodes(V('+moss +card*'), [V('Patient')], 20, 21),
    'search.query.scoped': search.searchNodes(V('+moss'), null, 0, 21, scope),
    'history.writeNodes': history.writeNodeHistory([{ id: V('r-1'), closeAt: 7, versions: [{ seq: 7, vt: null, class: 'Referral', labels: ['TrailgraphNode', 'Referral'], props: V('{}'), eventId: V('evt-1'), source: V('agent://intake'), time: V('t'), createdSeq: null }] }]),
    'history.writeRels': history.writeRelHistory([{ type: 'forPatient', from: V('r-1'), to: V('p-1'), closeAt: null, versions: [{ seq: 7, vt: 9, eventId: V('evt-1'), source: V('agent://intake'), time: V('t') }] }]),
    'history.createNodeVersions': history.createNodeVersions([{ id: V('r-2'), closeAt: 7, versions: [{ seq: 7, vt: 8, class: 'Referral', labels: ['TrailgraphNode', 'Referral'], props: V('{}'), eventId: V('evt-1'), source: V('agent://intake'), time: V('t'), createdSeq: 7 }, { seq: 8, vt: null, class: 'Referral', labels: ['TrailgraphNode', 'Referral'], props: V('{"a":1}'), eventId: V('evt-2'), source: V('agent://intake'), time: V('t'), createdSeq: 7 }] }, { id: V('p-9'), closeAt: 8, versions: [{ seq: 8, vt: null, class: 'Referral', labels: ['TrailgraphNode', 'Referral', 'Legacy'], props: V('{}'), eventId: V('evt-2'), source: V('agent://intake'), time: V('t'), createdSeq: null }] }], batchProv),
    'history.createRelVersions': history.createRelVersions([{ type: 'forPatient', from: V('r-2'), to: V('p-1'), closeAt: null, versions: [{ seq: 7, vt: 8, eventId: V('evt-1'), source: V('agent://intake'), time: V('t') }, { seq: 8, vt: null, eventId: V('evt-2'), source: V('agent://intake'), time: V('t') }] }], batchProv),
    'history.nodesAt': history.nodesAt(7, V(''), 5000),
    'history.relsAt': history.relsAt(7),
    'history.seqAt': history.seqAt(V('2026-11-21T09:00:00Z')),
    'history.drop': history.dropHistory(5000),
    'history.currentNodes': history.currentNodes(V(''), 5000),
    'history.currentRelsFrom': history.currentRelsFrom([V('r-1')]),
  });
  history.historySchema().forEach((s, i) => (out[`history.schema.${i}`] = s));
  return out;
}
