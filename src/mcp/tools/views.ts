/** Compact views of graph records for tool answers: ids, classes and the properties asked for — nothing more. */
import type { AppliedChange } from '../../core/projection/change-set.ts';
import type { NodeRecord } from '../../ports/graph-store.ts';

/** A node: id, class, properties (only `fields` when given), and the event that last changed it. */
export function nodeView(node: NodeRecord, fields?: readonly string[]): Record<string, unknown> {
  const properties = fields ? Object.fromEntries(fields.filter((f) => f in node.properties).map((f) => [f, node.properties[f]])) : node.properties;
  const p = node.provenance;
  return { id: node.id, class: node.class, properties, lastChange: { eventId: p.eventId, source: p.source, time: p.time, seq: p.seq } };
}

/** True when a change is about node `id` (the node itself, either end of a relationship, a mark or claim on it). */
export function concerns(change: AppliedChange, id: string): boolean {
  switch (change.kind) {
    case 'node':
      return change.id === id;
    case 'relationship':
      return change.from.id === id || change.to.id === id;
    default:
      return change.on.id === id;
  }
}

/** A relationship as `{ type, from, to }` ids. */
export const relationshipView = (r: { type: string; fromId: string; toId: string }): Record<string, string> => ({ type: r.type, from: r.fromId, to: r.toId });
