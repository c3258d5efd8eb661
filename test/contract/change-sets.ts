/**
 * Hand-built change sets over the clinic ontology, so the store contract does not depend on the planner.
 * Shapes follow src/core/projection/change-set.ts exactly.
 */
import type { AddRelationshipOp, ChangeOp, ChangeSet, DeleteNodeOp, NodeRef, RetractRelationshipOp, Scalar, UpsertNodeOp } from '../../src/core/projection/change-set.ts';
import { labelsOf } from '../../src/core/ontology/model.ts';
import { clinicOntology } from '../fixtures/clinic-ontology.ts';

export const ontology = clinicOntology();

/** `Class/id` shorthand → NodeRef. */
export function ref(s: string): NodeRef {
  const [cls, id] = s.split('/');
  if (!cls || !id) throw new Error(`bad ref ${s}`);
  return { class: cls, id };
}

export function upsert(
  node: string,
  set: Record<string, Scalar> = {},
  more: { add?: Record<string, Scalar[]>; unset?: string[] } = {},
): UpsertNodeOp {
  const n = ref(node);
  return { op: 'upsertNode', node: n, labels: labelsOf(ontology, n.class), set, add: more.add ?? {}, unset: more.unset ?? [], pointer: '/data' };
}

export function link(type: string, from: string, to: string): AddRelationshipOp {
  const def = ontology.properties.get(type);
  if (def?.kind !== 'object') throw new Error(`${type} is not an object property`);
  return { op: 'addRelationship', type, from: ref(from), to: ref(to), functional: def.functional, pointer: `/data/${type}` };
}

export function unlink(type: string, from: string, to?: string): RetractRelationshipOp {
  return { op: 'retractRelationship', type, from: ref(from), ...(to !== undefined && { to: ref(to) }), pointer: `/data/${type}` };
}

export function remove(node: string): DeleteNodeOp {
  return { op: 'deleteNode', node: ref(node), pointer: '/data' };
}

let clock = Date.parse('2026-11-21T09:00:00Z');

/** A change set for event `eventId` (type, source and time defaulted; time advances one second per call). */
export function changeSet(eventId: string, ops: ChangeOp[], over: Partial<ChangeSet> = {}): ChangeSet {
  clock += 1000;
  const type = over.type ?? 'ReferralRequested';
  return {
    eventId,
    source: 'agent://test',
    time: new Date(clock).toISOString(),
    type,
    aggregate: ops[0] && 'node' in ops[0] ? ops[0].node.id : 'x',
    ontologyVersion: ontology.version,
    ops,
    event: { specversion: '1.0', id: eventId, type, source: over.source ?? 'agent://test', data: {} },
    ...over,
  };
}

/** A referral with its patient and GP, as ReferralRequested would carry it. */
export function referral(eventId: string, id: string, patient: string, set: Record<string, Scalar> = {}): ChangeSet {
  return changeSet(eventId, [
    upsert(`Referral/${id}`, { reason: 'Chest pain', priority: 'routine', ...set }),
    upsert(`Patient/${patient}`, { name: `Patient ${patient}` }),
    link('forPatient', `Referral/${id}`, `Patient/${patient}`),
  ]);
}
