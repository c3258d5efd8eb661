/**
 * The projection planner: a pure function `(event, ontology) → ChangeSet` (DESIGN.md "Projection").
 * It assumes a validated event (envelope.ts + payload.ts); on anything else its output is unspecified.
 *
 * Op order (deterministic, so replays and adapters agree):
 * 1. Node ops first — `upsertNode` / `deleteNode` for every resource in document order, pre-order (a resource
 *    before the resources nested in it; `@graph` items in array order). Stores can then create relationship
 *    endpoints with their named class rather than as bare nodes.
 * 2. Then relationship ops, resource by resource in the same order; within a resource by property name (sorted,
 *    so the producer's key order does not matter), values in array order: `retractRelationship` for `null`,
 *    `addRelationship` for each target.
 */
import { isA, labelsOf, type CompiledOntology } from '../ontology/model.ts';
import type { CloudEvent } from '../events/cloud-event.ts';
import { escapePointerToken, toPointer } from '../events/json-pointer.ts';
import { DELETE_KEY, isJsonObject, splitSubject, subjectOf, topLevelResources, TYPE_KEY, type JsonObject } from '../events/resources.ts';
import type { Fence } from '../claims/rules.ts';
import type { ChangeOp, ChangeSet, NodeRef, Scalar } from './change-set.ts';

export interface PlanOptions {
  /** When the event was received (ISO 8601): the provenance time for events without `time`. */
  readonly receivedAt?: string;
}

/**
 * Class of a referenced node whose property has no range (any class). Written as a prefixed name, which no
 * ontology term's local name can be, so an ontology may still name a class `Resource` (DCAT does).
 */
export const ANY_CLASS = 'rdfs:Resource';

/** Derives the change set of one validated event. Pure: same input, deep-equal output; the input is not touched. */
export function planChangeSet(event: CloudEvent, ontology: CompiledOntology, options: PlanOptions = {}): ChangeSet {
  const time = event.time ?? options.receivedAt;
  if (time === undefined) throw new TypeError(`planChangeSet: event ${event.id} has no time; pass options.receivedAt`);
  const nodeOps: ChangeOp[] = [];
  const relGroups: ChangeOp[][] = [];

  // `pointer` is built as the walk descends (same strings as toPointer(path), without re-joining whole paths).
  const visit = (resource: JsonObject, pointer: string, cls: string): NodeRef | undefined => {
    const node: NodeRef = { id: String(resource.id), class: cls };
    if (resource[DELETE_KEY] === true) {
      nodeOps.push({ op: 'deleteNode', node, pointer });
      return undefined;
    }
    const set: Record<string, Scalar> = {};
    const add: Record<string, Scalar[]> = {};
    const unset: string[] = [];
    const rels: ChangeOp[] = [];
    nodeOps.push({ op: 'upsertNode', node, labels: labelsOf(ontology, cls), set, add, unset, pointer });
    relGroups.push(rels);

    for (const key of Object.keys(resource).sort()) {
      const prop = ontology.properties.get(key);
      if (!prop || key === 'id') continue; // keywords; anything unknown was rejected by validation
      const value = resource[key];
      if (prop.kind === 'datatype') {
        if (value === null) unset.push(key);
        else if (prop.functional && !Array.isArray(value)) set[key] = value as Scalar;
        else add[key] = [...new Set(Array.isArray(value) ? (value as Scalar[]) : [value as Scalar])];
        continue;
      }
      const keyPointer = `${pointer}/${escapePointerToken(key)}`;
      if (value === null) {
        rels.push({ op: 'retractRelationship', type: key, from: node, pointer: keyPointer });
        continue;
      }
      const range = prop.range ?? ANY_CLASS;
      const many = Array.isArray(value);
      const targets: readonly unknown[] = many ? value : [value];
      for (let i = 0; i < targets.length; i++) {
        const target = targets[i];
        const at = many ? `${keyPointer}/${i}` : keyPointer;
        let to: NodeRef | undefined;
        if (isJsonObject(target)) {
          const type = target[TYPE_KEY];
          to = visit(target, at, typeof type === 'string' ? type : range);
        } else to = { id: String(target), class: range };
        if (to) rels.push({ op: 'addRelationship', type: key, from: node, to, functional: prop.functional, pointer: at });
      }
    }
    return node;
  };

  const resources = topLevelResources(event.data);
  for (const { resource, path } of resources) visit(resource, toPointer(path), String(resource[TYPE_KEY]));

  const subject = subjectOf(event, ontology);
  return {
    eventId: event.id,
    source: event.source,
    time,
    type: event.type,
    ...(subject !== undefined && { subject }),
    aggregate: aggregateOf(event, ontology, subject, resources[0]?.resource),
    ...(event.traceparent !== undefined && { traceparent: event.traceparent }),
    ...(event.correlationid !== undefined && { correlationid: event.correlationid }),
    ...(event.causationid !== undefined && { causationid: event.causationid }),
    ...fenceOf(event),
    ontologyVersion: ontology.versionIri ?? ontology.version,
    ops: [...nodeOps, ...relGroups.flat()],
    event: event as Readonly<Record<string, unknown>>,
  };
}

/** The claim a fenced event writes under (the envelope checked the attributes and the subject's shape). */
function fenceOf(event: CloudEvent): { fence: Fence } | undefined {
  const { claimpurpose: purpose, claimtoken: token } = event;
  const on = event.subject === undefined ? undefined : splitSubject(event.subject)?.id;
  if (typeof purpose !== 'string' || typeof token !== 'number' || on === undefined) return undefined;
  return { fence: { on, purpose, token } };
}

/** The ordering / partition key: the subject's id when the type has an aggregate, else the first resource's id. */
function aggregateOf(event: CloudEvent, ontology: CompiledOntology, subject: string | undefined, first: JsonObject | undefined): string {
  const aggregate = ontology.eventTypes.get(event.type)?.aggregate;
  const parts = subject === undefined ? undefined : splitSubject(subject);
  if (aggregate !== undefined && parts && isA(ontology, parts.class, aggregate)) return parts.id;
  return typeof first?.id === 'string' ? first.id : event.id;
}
