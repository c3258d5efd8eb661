/**
 * The shape of `data` in the payload format (DESIGN.md "Projection"): one resource, or `{"@graph": [...]}`.
 * Shared by the payload validator and the projection planner so both read events the same way.
 */
import type { CompiledOntology } from '../ontology/model.ts';
import { isA } from '../ontology/model.ts';
import type { CloudEvent } from './cloud-event.ts';
import type { PathSegment } from './json-pointer.ts';

/** A JSON object in the payload. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** A top-level resource and its path from the event root. */
export interface LocatedResource {
  readonly resource: JsonObject;
  readonly path: readonly PathSegment[];
}

/** Keywords of the payload format; every other key of a resource is a property local name. */
export const TYPE_KEY = '@type';
export const GRAPH_KEY = '@graph';
export const DELETE_KEY = '@delete';

export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The top-level resources of `data` (objects only; validation reports anything else). */
export function topLevelResources(data: unknown): LocatedResource[] {
  if (!isJsonObject(data)) return [];
  const graph = data[GRAPH_KEY];
  if (graph === undefined) return [{ resource: data, path: ['data'] }];
  if (!Array.isArray(graph)) return [];
  return graph.flatMap((r, i) => (isJsonObject(r) ? [{ resource: r, path: ['data', GRAPH_KEY, i] }] : []));
}

/** Splits a subject `<Class>/<id>` (the id may itself contain `/`). */
export function splitSubject(subject: string): { readonly class: string; readonly id: string } | undefined {
  const slash = subject.indexOf('/');
  if (slash <= 0 || slash === subject.length - 1) return undefined;
  return { class: subject.slice(0, slash), id: subject.slice(slash + 1) };
}

/**
 * Ids of the aggregate's instances the event is about, in preference order: top-level resources of the aggregate
 * class (or a subclass), then nested ones, then ids referenced through a property whose range is the aggregate class
 * (a LabOrder's `forReferral: "r-1"` makes an event about Referral r-1).
 */
export function aggregateCandidates(data: unknown, ontology: CompiledOntology, aggregate: string): string[] {
  const top: string[] = [];
  const nested: string[] = [];
  const referenced: string[] = [];
  const visit = (resource: JsonObject, type: unknown, isTop: boolean): void => {
    if (typeof type === 'string' && typeof resource.id === 'string' && isA(ontology, type, aggregate)) {
      (isTop ? top : nested).push(resource.id);
    }
    for (const [key, value] of Object.entries(resource)) {
      const prop = ontology.properties.get(key);
      if (prop?.kind !== 'object') continue;
      for (const target of Array.isArray(value) ? value : [value]) {
        if (isJsonObject(target)) visit(target, target[TYPE_KEY] ?? prop.range, false);
        else if (typeof target === 'string' && prop.range !== undefined && isA(ontology, prop.range, aggregate)) referenced.push(target);
      }
    }
  };
  for (const { resource } of topLevelResources(data)) visit(resource, resource[TYPE_KEY], true);
  return [...new Set([...top, ...nested, ...referenced])];
}

/**
 * The event's subject: as given, or derived as `<aggregate class>/<id>` from the first aggregate candidate
 * (see aggregateCandidates) when the event type declares `tg:aggregate`. Undefined when neither applies.
 */
export function subjectOf(event: CloudEvent, ontology: CompiledOntology): string | undefined {
  if (event.subject !== undefined) return event.subject;
  const aggregate = ontology.eventTypes.get(event.type)?.aggregate;
  if (aggregate === undefined) return undefined;
  const [id] = aggregateCandidates(event.data, ontology, aggregate);
  return id === undefined ? undefined : `${aggregate}/${id}`;
}
