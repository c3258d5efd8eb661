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
 * The event's subject: as given, or derived as `<aggregate class>/<id>` from the first top-level resource of the
 * aggregate class (or a subclass) when the event type declares `tg:aggregate`. Undefined when neither applies.
 */
export function subjectOf(event: CloudEvent, ontology: CompiledOntology): string | undefined {
  if (event.subject !== undefined) return event.subject;
  const aggregate = ontology.eventTypes.get(event.type)?.aggregate;
  if (aggregate === undefined) return undefined;
  for (const { resource } of topLevelResources(event.data)) {
    const type = resource[TYPE_KEY];
    if (typeof type === 'string' && typeof resource.id === 'string' && isA(ontology, type, aggregate)) {
      return `${aggregate}/${resource.id}`;
    }
  }
  return undefined;
}
