/**
 * Graph questions: the neighbourhood of a node (BFS, both directions) and the paths between two nodes.
 * Both walk level by level with batched queries per level and direction, so a hop costs two queries (a
 * neighbourhood's: two pages) whatever the frontier's size.
 */
import type { GraphPath, Neighbourhood, NodeRecord, RecordProvenance, RelationshipRecord } from '../../ports/graph-store.ts';
import type { StoreContext } from './context.ts';
import { REL_SELECT, getNodes, rowToLazyNode, rowToRel, type RelRow } from './rows.ts';
import { comparePaths, orderNeighbourhood } from '../../core/store/order.ts';
import { DEFAULT_NEIGHBOURHOOD_LIMIT, DEFAULT_PATH_LIMIT, hopsWithin, resultLimit } from '../../core/store/limits.ts';
import type { ReadScope } from '../../core/auth/read-scope.ts';
import { visibility } from './scope.ts';
import { ANY_CLASS } from '../../core/projection/planner.ts';

interface Edge {
  readonly rel: RelationshipRecord;
  readonly other: string;
}

/**
 * Relationships touching any of `ids` (both directions), optionally only of types `via`. The type test is written
 * `+r.type` so SQLite keeps using the (from_id, type) / (to_id, type) indexes instead of scanning every
 * relationship of the type.
 */
function edges(ctx: StoreContext, ids: readonly string[], via: readonly string[] | undefined, visible: (id: string) => boolean): Map<string, Edge[]> {
  const map = new Map<string, Edge[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return map;
  const viaSql = via ? ' AND +r.type IN (SELECT value FROM json_each(?))' : '';
  const params = via ? [JSON.stringify(ids), JSON.stringify(via)] : [JSON.stringify(ids)];
  const outRows = ctx.stmt(`${REL_SELECT} WHERE r.from_id IN (SELECT value FROM json_each(?))${viaSql}`).all(...params) as RelRow[];
  const inRows = ctx.stmt(`${REL_SELECT} WHERE r.to_id IN (SELECT value FROM json_each(?))${viaSql}`).all(...params) as RelRow[];
  for (const r of outRows) if (visible(r.to_id)) map.get(r.from_id)?.push({ rel: rowToRel(r), other: r.to_id });
  for (const r of inRows) {
    if (r.from_id === r.to_id || !visible(r.from_id)) continue;
    map.get(r.to_id)?.push({ rel: rowToRel(r), other: r.from_id });
  }
  return map;
}

/** A relationship's key: all a walk reads, so the (from_id, type) / (to_id, type) indexes answer it alone. */
interface BareRel {
  type: string;
  from_id: string;
  to_id: string;
}

/**
 * A walked relationship with its provenance read on first access: most neighbourhood answers never show it, and
 * reading it for every row cost one primary-key lookup per row (the walk's largest SQL cost on a hub). A
 * relationship retracted between the walk and that read has no provenance left to show: that read fails.
 */
function walkedRel(ctx: StoreContext, r: BareRel, fromClass: string, toClass: string): RelationshipRecord {
  let provenance: RecordProvenance | undefined;
  return {
    type: r.type,
    from: { id: r.from_id, class: fromClass },
    to: { id: r.to_id, class: toClass },
    get provenance(): RecordProvenance {
      if (provenance) return provenance;
      const row = ctx.stmt('SELECT event_id, source, time, seq, created_seq FROM rels WHERE type = ? AND from_id = ? AND to_id = ?').get(r.type, r.from_id, r.to_id) as
        | { event_id: string; source: string; time: string; seq: number; created_seq: number }
        | undefined;
      if (!row) throw new Error(`relationship ${r.type} ${r.from_id} → ${r.to_id} was retracted after it was read; query again`);
      return (provenance = { eventId: row.event_id, source: row.source, time: row.time, seq: row.seq, createdSeq: row.created_seq });
    },
  };
}

/**
 * Nodes within `hops` of `id`, breadth first, at most `limit` of them, with the relationships between them that
 * the walk crossed. Cost follows the limit, not the graph: each hop reads the frontier's relationships a page at
 * a time and stops reading once the limit is reached, so a hub (a Specialty with a million referrals) costs a
 * page of rows, not a million. Both endpoints of every returned relationship are returned nodes, so their classes
 * come from the node records (no join per row). One read transaction, so the walk sees one snapshot.
 */
export function neighbourhood(ctx: StoreContext, id: string, hops: number, options: { via?: readonly string[]; limit?: number; scope?: ReadScope } = {}): Neighbourhood {
  return ctx.db.transaction(() => walk(ctx, id, hopsWithin(hops), resultLimit(options.limit, DEFAULT_NEIGHBOURHOOD_LIMIT), options.via, options.scope)).deferred();
}

function walk(ctx: StoreContext, id: string, hops: number, limit: number, via: readonly string[] | undefined, scope: ReadScope | undefined): Neighbourhood {
  // With a scope, the walk neither returns nor passes through a node the caller may not read.
  const visible = visibility(ctx, scope);
  if (scope && !visible(id)) return { nodes: [], relationships: [], truncated: false };
  const distance = new Map<string, number>([[id, 0]]);
  const rels = new Map<string, BareRel>();
  let truncated = false;
  let frontier = [id];
  const viaSql = via ? ' AND +r.type IN (SELECT value FROM json_each(?))' : '';
  // Both directions in one statement (a statement costs more than its few rows here): outgoing rows first
  // (d = 0), then incoming (d = 1). A self-loop was seen as outgoing, hence `from_id <> to_id` on the incoming side.
  // No LIMIT: rows are pulled one at a time and the walk stops pulling once a row leads to a node past the limit
  // (the hub case costs the rows up to that one, not the hub's degree). A `LIMIT ? OFFSET ?` page cost ~20 µs
  // more per statement than the statement itself on a typical hop (measured: 9-11 µs without, 22-33 µs with).
  const side = (near: string): string => `r.${near} IN (SELECT value FROM json_each(?))${viaSql}`;
  const stmt = ctx.stmt(`SELECT 0 AS d, r.type, r.from_id, r.to_id FROM rels r WHERE ${side('from_id')}
    UNION ALL SELECT 1 AS d, r.type, r.from_id, r.to_id FROM rels r WHERE ${side('to_id')} AND r.from_id <> r.to_id`);
  for (let d = 1; d <= hops && frontier.length > 0 && !truncated; d++) {
    const next: string[] = [];
    const ids = JSON.stringify(frontier);
    const params = via ? [ids, JSON.stringify(via)] : [ids];
    // Rows back to already-known nodes (a frontier node's parent, siblings) add no node but are kept: once the
    // limit is full, reading goes on until a row leads to a new node (then the answer is truncated) or the
    // rows run out (then it is complete, with every relationship between its nodes).
    for (const r of stmt.iterate(...params, ...params) as IterableIterator<BareRel & { d: 0 | 1 }>) {
      const other = r.d === 0 ? r.to_id : r.from_id;
      if (scope && !visible(other)) continue;
      if (!distance.has(other)) {
        if (distance.size >= limit) {
          truncated = true;
          break; // ends the iterator (the statement is reset)
        }
        distance.set(other, d);
        next.push(other);
      }
      rels.set(`${r.type}\u0000${r.from_id}\u0000${r.to_id}`, { type: r.type, from_id: r.from_id, to_id: r.to_id });
    }
    frontier = next;
  }
  // A cut walk stopped reading mid-hop: relationships among the kept nodes that the unread rows held are fetched
  // now (core's rule: both endpoints in the answer, one nearer than the hop limit), over at most `limit` ids.
  if (truncated) addRelationshipsAmong(ctx, distance, hops, via, rels);
  const records = getNodes(ctx, [...distance.keys()], rowToLazyNode);
  // The start node's existence is checked here, not up front (one statement less): a missing node has no
  // relationships (deleting a node removes them), so the walk above found nothing.
  if (!records.has(id)) return { nodes: [], relationships: [], truncated: false };
  const nodes: { node: NodeRecord; distance: number }[] = [];
  for (const [nid, dist] of distance) {
    const node = records.get(nid);
    if (node) nodes.push({ node, distance: dist });
  }
  const classOf = (nid: string): string => records.get(nid)?.class ?? ANY_CLASS;
  const relationships = [...rels.values()].map((r) => walkedRel(ctx, r, classOf(r.from_id), classOf(r.to_id)));
  return orderNeighbourhood({ nodes, relationships, truncated });
}

/**
 * With `via`, SQLite answers "both endpoints among the kept nodes" by probing the (from_id, type, to_id) index with
 * every combination of the IN lists: kept × types × kept probes (5,000 for limit 50 and two types, ~3.7 ms at
 * 100k nodes, most of a hub query's CPU). Split by which endpoint is nearer than the hop limit (`inner`, few nodes
 * on a cut walk), each half probes inner × types × kept: ~12× less on the hub query, never more than twice the
 * old count. Without `via` the type column cannot be probed, so each kept node's outgoing rows are scanned as before
 * (the incoming half would scan a hub's whole in-degree).
 */
function addRelationshipsAmong(ctx: StoreContext, distance: ReadonlyMap<string, number>, hops: number, via: readonly string[] | undefined, rels: Map<string, BareRel>): void {
  const ids = JSON.stringify([...distance.keys()]);
  const inner = JSON.stringify([...distance].filter(([, d]) => d < hops).map(([nid]) => nid));
  const keep = (r: BareRel): void => void rels.set(`${r.type}\u0000${r.from_id}\u0000${r.to_id}`, { type: r.type, from_id: r.from_id, to_id: r.to_id });
  const list = 'IN (SELECT value FROM json_each(?))';
  if (via) {
    const types = JSON.stringify(via);
    const stmt = ctx.stmt(`SELECT r.type, r.from_id, r.to_id FROM rels r WHERE r.from_id ${list} AND r.to_id ${list} AND r.type ${list}
      UNION ALL SELECT r.type, r.from_id, r.to_id FROM rels r WHERE r.to_id ${list} AND r.from_id ${list} AND r.type ${list}`);
    for (const r of stmt.iterate(inner, ids, types, inner, ids, types) as IterableIterator<BareRel>) keep(r);
    return;
  }
  const stmt = ctx.stmt(`SELECT r.type, r.from_id, r.to_id FROM rels r WHERE r.from_id ${list} AND r.to_id ${list}
    AND (r.from_id ${list} OR r.to_id ${list})`);
  for (const r of stmt.iterate(ids, ids, inner, inner) as IterableIterator<BareRel>) keep(r);
}

/**
 * Simple paths from `from` to `to`, shortest first. A first BFS from `to` gives every node's distance to the
 * target, so the path search only extends a path towards nodes that can still reach `to` within the hop budget.
 */
export function paths(ctx: StoreContext, from: string, to: string, maxHops: number, options: { via?: readonly string[]; limit?: number; scope?: ReadScope } = {}): GraphPath[] {
  const hops = hopsWithin(maxHops);
  const limit = resultLimit(options.limit, DEFAULT_PATH_LIMIT);
  const visible = visibility(ctx, options.scope);
  const found = getNodes(ctx, [from, to], undefined, options.scope);
  const fromNode = found.get(from);
  const toNode = found.get(to);
  if (!fromNode || !toNode) return [];
  if (from === to) return [{ nodes: [{ id: from, class: fromNode.class }], relationships: [] }];
  const adj = new Map<string, Edge[]>();
  const load = (ids: readonly string[]): void => {
    const missing = ids.filter((i) => !adj.has(i));
    for (const [k, v] of edges(ctx, missing, options.via, visible)) adj.set(k, v);
  };
  // Distance to the target, up to `hops - 1` (the start needs at most `hops`).
  const toTarget = new Map<string, number>([[to, 0]]);
  let frontier = [to];
  for (let d = 1; d < hops && frontier.length > 0; d++) {
    load(frontier);
    const next: string[] = [];
    for (const f of frontier) {
      for (const e of adj.get(f) ?? []) {
        if (toTarget.has(e.other)) continue;
        toTarget.set(e.other, d);
        next.push(e.other);
      }
    }
    frontier = next;
  }
  type Partial = { readonly ids: readonly string[]; readonly rels: readonly RelationshipRecord[] };
  const results: GraphPath[] = [];
  let level: Partial[] = [{ ids: [from], rels: [] }];
  for (let len = 1; len <= hops && level.length > 0 && results.length < limit; len++) {
    load(level.map((p) => p.ids[p.ids.length - 1] ?? from));
    const next: Partial[] = [];
    // Every path of this length first, then the canonical order (core/store/order.ts) decides which fit the limit.
    const found: GraphPath[] = [];
    for (const p of level) {
      const end = p.ids[p.ids.length - 1] ?? from;
      for (const e of adj.get(end) ?? []) {
        if (p.ids.includes(e.other)) continue;
        if (e.other === to) {
          found.push(toPath([...p.ids, to], [...p.rels, e.rel]));
          continue;
        }
        const rest = toTarget.get(e.other);
        if (rest === undefined || len + rest > hops) continue;
        if (next.length < 10_000) next.push({ ids: [...p.ids, e.other], rels: [...p.rels, e.rel] });
      }
    }
    results.push(...found.sort(comparePaths).slice(0, limit - results.length));
    level = next;
  }
  return results;
}

function toPath(ids: readonly string[], rels: readonly RelationshipRecord[]): GraphPath {
  const classOf = new Map<string, string>();
  for (const r of rels) {
    classOf.set(r.from.id, r.from.class);
    classOf.set(r.to.id, r.to.class);
  }
  return { nodes: ids.map((id) => ({ id, class: classOf.get(id) ?? ANY_CLASS })), relationships: rels };
}
