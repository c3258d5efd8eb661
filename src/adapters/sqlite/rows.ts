/** Row ↔ record mapping for nodes and relationships, and the by-id reads. */
import type { PropertyValue } from '../../core/projection/change-set.ts';
import type { NodeRecord, RelationshipRecord } from '../../ports/graph-store.ts';
import type { StoreContext } from './context.ts';
import type { ReadScope } from '../../core/auth/read-scope.ts';
import { scopeFragment } from './scope.ts';
import { inIds } from './sql-filters.ts';
import { ANY_CLASS } from '../../core/projection/planner.ts';

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

export function rowToNode(r: NodeRow): NodeRecord {
  return {
    id: r.id,
    class: r.class,
    labels: JSON.parse(r.labels) as string[],
    properties: JSON.parse(r.props) as Record<string, PropertyValue>,
    provenance: { eventId: r.event_id, source: r.source, time: r.time, seq: r.seq, createdSeq: r.created_seq },
  };
}

/**
 * A row as a NodeRecord whose `labels` and `properties` are parsed on first read: for graph answers (a
 * neighbourhood's nodes) that mostly show ids and classes, where parsing every node's properties was a
 * measurable share of the request. Not for records that are kept (the JSON text is held until parsed).
 */
export function rowToLazyNode(r: NodeRow): NodeRecord {
  let labelsJson: string | undefined = r.labels;
  let propsJson: string | undefined = r.props;
  let labels: string[] | undefined;
  let properties: Record<string, PropertyValue> | undefined;
  return {
    id: r.id,
    class: r.class,
    get labels(): string[] {
      if (!labels) {
        labels = JSON.parse(labelsJson ?? '[]') as string[];
        labelsJson = undefined;
      }
      return labels;
    },
    get properties(): Record<string, PropertyValue> {
      if (!properties) {
        properties = JSON.parse(propsJson ?? '{}') as Record<string, PropertyValue>;
        propsJson = undefined;
      }
      return properties;
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
    from: { id: r.from_id, class: r.fc ?? ANY_CLASS },
    to: { id: r.to_id, class: r.tc ?? ANY_CLASS },
    provenance: { eventId: r.event_id, source: r.source, time: r.time, seq: r.seq, createdSeq: r.created_seq },
  };
}

export function getNode(ctx: StoreContext, id: string, scope?: ReadScope): NodeRecord | undefined {
  const vis = scopeFragment(scope);
  const row = ctx.stmt(`SELECT ${NODE_COLUMNS} FROM nodes n WHERE n.id = ?${vis ? ` AND ${vis.sql}` : ''}`).get(id, ...(vis?.params ?? [])) as NodeRow | undefined;
  return row && rowToNode(row);
}

export function getNodes(ctx: StoreContext, ids: readonly string[], toRecord: (r: NodeRow) => NodeRecord = rowToNode, scope?: ReadScope): Map<string, NodeRecord> {
  const out = new Map<string, NodeRecord>();
  if (ids.length === 0) return out;
  const vis = scopeFragment(scope);
  const byId = inIds('n.id', ids.length === 1 ? ids : [...new Set(ids)]);
  const rows = ctx
    .stmt(`SELECT ${NODE_COLUMNS} FROM nodes n WHERE ${byId.sql}${vis ? ` AND ${vis.sql}` : ''}`)
    .all(...byId.params, ...(vis?.params ?? [])) as NodeRow[];
  for (const r of rows) out.set(r.id, toRecord(r));
  return out;
}
