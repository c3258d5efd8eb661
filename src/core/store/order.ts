/**
 * The order of graph answers, the same in every store: ids compare by UTF-16 code units (JavaScript's `<`, and
 * Cypher's string order), never by locale or by storage order.
 * - Neighbourhood nodes: nearest first, ties by id. Relationships: by type, then from id, then to id.
 * - Paths: shortest first, ties by the sequence of node ids.
 * - Signal marks on a node: in the order they were left — createdAt, ties (marks left at one instant) by the seq of
 *   the ledger row that recorded each. Never by mark id: ids are random, so two stores would disagree.
 * When `limit` cuts a neighbourhood, every node nearer than the farthest distance kept is in the answer; which
 * nodes at that farthest distance are kept is the store's choice (reading all of a hub's neighbours to pick the
 * lowest ids would make the cut cost what the limit is there to avoid).
 */
import type { GraphPath, Neighbourhood } from './records.ts';

export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A neighbourhood in the canonical order (a new value; the input is not touched). */
export function orderNeighbourhood(n: Neighbourhood): Neighbourhood {
  return {
    nodes: [...n.nodes].sort((a, b) => a.distance - b.distance || compareIds(a.node.id, b.node.id)),
    relationships: [...n.relationships].sort((a, b) => compareIds(a.type, b.type) || compareIds(a.from.id, b.from.id) || compareIds(a.to.id, b.to.id)),
    truncated: n.truncated,
  };
}

/** Paths in the canonical order: fewer relationships first, then by node ids, element by element. */
export function comparePaths(a: GraphPath, b: GraphPath): number {
  if (a.relationships.length !== b.relationships.length) return a.relationships.length - b.relationships.length;
  for (let i = 0; i < Math.min(a.nodes.length, b.nodes.length); i++) {
    const c = compareIds(a.nodes[i]!.id, b.nodes[i]!.id);
    if (c !== 0) return c;
  }
  return a.nodes.length - b.nodes.length;
}

/** Marks on one node in the canonical order: the order they were left (createdAt, then the seq that recorded it). */
export function compareMarks(a: { readonly createdAt: string; readonly createdSeq: number }, b: { readonly createdAt: string; readonly createdSeq: number }): number {
  return Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.createdSeq - b.createdSeq;
}
