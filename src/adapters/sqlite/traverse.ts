/**
 * Graph questions: the neighbourhood of a node (BFS, both directions) and the paths between two nodes.
 * Both walk level by level with one batched query per level and direction, so a hop costs two queries
 * whatever the fan-out.
 */
import type { GraphPath, Neighbourhood, NodeRecord, RelationshipRecord } from '../../ports/graph-store.ts';
import type { StoreContext } from './context.ts';
import { REL_SELECT, getNodes, rowToRel, type RelRow } from './rows.ts';

export const MAX_PATH_HOPS = 6;

interface Edge {
  readonly rel: RelationshipRecord;
  readonly other: string;
}

/**
 * Relationships touching any of `ids` (both directions), optionally only of types `via`, at most `cap` rows per
 * direction (`capped` says whether the cap cut them). The type test is written `+r.type` so SQLite keeps using
 * the (from_id, type) / (to_id, type) indexes instead of scanning every relationship of the type.
 */
function edges(ctx: StoreContext, ids: readonly string[], via: readonly string[] | undefined, cap = -1): { map: Map<string, Edge[]>; capped: boolean } {
  const map = new Map<string, Edge[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return { map, capped: false };
  const viaSql = via ? ' AND +r.type IN (SELECT value FROM json_each(?))' : '';
  const params = via ? [JSON.stringify(ids), JSON.stringify(via), cap] : [JSON.stringify(ids), cap];
  const outRows = ctx.stmt(`${REL_SELECT} WHERE r.from_id IN (SELECT value FROM json_each(?))${viaSql} LIMIT ?`).all(...params) as RelRow[];
  const inRows = ctx.stmt(`${REL_SELECT} WHERE r.to_id IN (SELECT value FROM json_each(?))${viaSql} LIMIT ?`).all(...params) as RelRow[];
  for (const r of outRows) map.get(r.from_id)?.push({ rel: rowToRel(r), other: r.to_id });
  for (const r of inRows) {
    if (r.from_id === r.to_id) continue;
    map.get(r.to_id)?.push({ rel: rowToRel(r), other: r.from_id });
  }
  return { map, capped: cap >= 0 && (outRows.length >= cap || inRows.length >= cap) };
}

const relKey = (r: RelationshipRecord): string => `${r.type}\u0000${r.from.id}\u0000${r.to.id}`;

export function neighbourhood(ctx: StoreContext, id: string, hops: number, options: { via?: readonly string[]; limit?: number } = {}): Neighbourhood {
  const limit = Math.max(1, options.limit ?? 500);
  const start = getNodes(ctx, [id]).get(id);
  if (!start) return { nodes: [], relationships: [], truncated: false };
  const distance = new Map<string, number>([[id, 0]]);
  const rels = new Map<string, RelationshipRecord>();
  let truncated = false;
  let frontier = [id];
  // Once the limit is reached no further hop can add a node, so the walk stops; the row cap keeps a hub node
  // (a GP with 50k referrals) from loading every relationship it has.
  for (let d = 1; d <= hops && frontier.length > 0 && !truncated; d++) {
    const next: string[] = [];
    const found = edges(ctx, frontier, options.via, Math.max(1000, limit * 4));
    if (found.capped) truncated = true;
    for (const list of found.map.values()) {
      for (const e of list) {
        if (!distance.has(e.other)) {
          if (distance.size >= limit) {
            truncated = true;
            continue;
          }
          distance.set(e.other, d);
          next.push(e.other);
        }
        rels.set(relKey(e.rel), e.rel);
      }
    }
    frontier = next;
  }
  const records = getNodes(ctx, [...distance.keys()]);
  const nodes: { node: NodeRecord; distance: number }[] = [];
  for (const [nid, dist] of distance) {
    const node = records.get(nid);
    if (node) nodes.push({ node, distance: dist });
  }
  return { nodes, relationships: [...rels.values()], truncated };
}

/**
 * Simple paths from `from` to `to`, shortest first. A first BFS from `to` gives every node's distance to the
 * target, so the path search only extends a path towards nodes that can still reach `to` within the hop budget.
 */
export function paths(ctx: StoreContext, from: string, to: string, maxHops: number, options: { via?: readonly string[]; limit?: number } = {}): GraphPath[] {
  const hops = Math.min(Math.max(0, Math.floor(maxHops)), MAX_PATH_HOPS);
  const limit = Math.max(1, options.limit ?? 10);
  const found = getNodes(ctx, [from, to]);
  const fromNode = found.get(from);
  const toNode = found.get(to);
  if (!fromNode || !toNode) return [];
  if (from === to) return [{ nodes: [{ id: from, class: fromNode.class }], relationships: [] }];
  const adj = new Map<string, Edge[]>();
  const load = (ids: readonly string[]): void => {
    const missing = ids.filter((i) => !adj.has(i));
    for (const [k, v] of edges(ctx, missing, options.via).map) adj.set(k, v);
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
    for (const p of level) {
      const end = p.ids[p.ids.length - 1] ?? from;
      for (const e of adj.get(end) ?? []) {
        if (p.ids.includes(e.other)) continue;
        if (e.other === to) {
          if (results.length < limit) results.push(toPath([...p.ids, to], [...p.rels, e.rel]));
          continue;
        }
        const rest = toTarget.get(e.other);
        if (rest === undefined || len + rest > hops) continue;
        if (next.length < 10_000) next.push({ ids: [...p.ids, e.other], rels: [...p.rels, e.rel] });
      }
    }
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
  return { nodes: ids.map((id) => ({ id, class: classOf.get(id) ?? 'Resource' })), relationships: rels };
}
