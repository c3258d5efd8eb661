/** Row ↔ record mapping for nodes and relationships, and the by-id reads. */
import type { PropertyValue } from '../../core/projection/change-set.ts';
import type { NodeRecord, RelationshipRecord } from '../../ports/graph-store.ts';
import type { StoreContext } from './context.ts';

export interface NodeRow {
  id: string;
  class: string;
  labels: string;
  props: string;
  event_id: string;
  source: string;
  time: string;
  seq: number;
  created_seq: number;
}

export const NODE_COLUMNS = 'n.id, n.class, n.labels, n.props, n.event_id, n.source, n.time, n.seq, n.created_seq';

/**
 * A row as a NodeRecord. `labels` and `properties` are JSON in the row and are parsed on first read: most reads
 * of a node in a graph answer (a neighbourhood's ids, a relationship's endpoints) never look at them, and
 * parsing every node's properties was a measurable share of such requests.
 */
export function rowToNode(r: NodeRow): NodeRecord {
  let labels: string[] | undefined;
  let properties: Record<string, PropertyValue> | undefined;
  return {
    id: r.id,
    class: r.class,
    get labels(): string[] {
      return (labels ??= JSON.parse(r.labels) as string[]);
    },
    get properties(): Record<string, PropertyValue> {
      return (properties ??= JSON.parse(r.props) as Record<string, PropertyValue>);
    },
    provenance: { eventId: r.event_id, source: r.source, time: r.time, seq: r.seq, createdSeq: r.created_seq },
  };
}

export interface RelRow {
  type: string;
  from_id: string;
  to_id: string;
  fc: string | null;
  tc: string | null;
  event_id: string;
  source: string;
  time: string;
  seq: number;
  created_seq: number;
}

/** Columns of `rels r` with both endpoint classes (joined as `fn` and `tn`). */
export const REL_SELECT =
  'SELECT r.type, r.from_id, r.to_id, fn.class AS fc, tn.class AS tc, r.event_id, r.source, r.time, r.seq, r.created_seq FROM rels r LEFT JOIN nodes fn ON fn.id = r.from_id LEFT JOIN nodes tn ON tn.id = r.to_id';

export function rowToRel(r: RelRow): RelationshipRecord {
  return {
    type: r.type,
    from: { id: r.from_id, class: r.fc ?? 'Resource' },
    to: { id: r.to_id, class: r.tc ?? 'Resource' },
    provenance: { eventId: r.event_id, source: r.source, time: r.time, seq: r.seq, createdSeq: r.created_seq },
  };
}

export function getNode(ctx: StoreContext, id: string): NodeRecord | undefined {
  const row = ctx.stmt(`SELECT ${NODE_COLUMNS} FROM nodes n WHERE n.id = ?`).get(id) as NodeRow | undefined;
  return row && rowToNode(row);
}

export function getNodes(ctx: StoreContext, ids: readonly string[]): Map<string, NodeRecord> {
  const out = new Map<string, NodeRecord>();
  if (ids.length === 0) return out;
  const rows = ctx
    .stmt(`SELECT ${NODE_COLUMNS} FROM nodes n WHERE n.id IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify([...new Set(ids)])) as NodeRow[];
  for (const r of rows) out.set(r.id, rowToNode(r));
  return out;
}
