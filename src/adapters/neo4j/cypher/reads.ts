/**
 * Read statements. Lists use keyset pages (LIMIT first+1 tells whether there is a next page); related nodes of
 * many parents come from one UNWIND statement; graph walks have a bounded length written as an integer literal
 * (Cypher cannot take variable-length bounds as parameters), checked here.
 */
import type { CompiledOntology } from '../../../core/ontology/model.ts';
import type { NodeQuery, RelatedQuery } from '../../../core/store/records.ts';
import { MAX_HOPS } from '../../../core/store/limits.ts';
import { and, markFilter, ParamNames, propertyFilter, relationshipFilter, sortFragments, type Fragment } from './filters.ts';
import { classLabel, relType } from './names.ts';
import { scopePredicate } from './scope.ts';
import type { Statement } from './statement.ts';
import type { ReadScope } from '../../../core/auth/read-scope.ts';

/** Longest walk a neighbourhood or path query may ask for (core's limit). */
export { MAX_HOPS };

function hops(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_HOPS) throw new RangeError(`hops must be an integer from 1 to ${MAX_HOPS}, got ${n}`);
  return n;
}

/** The map a relationship record is read from. */
const REL_MAP = (r: string, a: string, b: string): string =>
  `{type: type(${r}), from: {id: ${a}.id, class: ${a}._class}, to: {id: ${b}.id, class: ${b}._class}, ` +
  `eventId: ${r}._eventId, source: ${r}._source, time: ${r}._time, seq: ${r}._seq, createdSeq: ${r}._createdSeq}`;

/** ` WHERE <scope>` on `v`, or nothing when unscoped (the unscoped statement stays as it was). */
function whereScope(scope: ReadScope | undefined, v: string): Fragment {
  const p = scopePredicate(scope, v);
  return p ? { cypher: ` WHERE ${p.cypher}`, params: p.params } : { cypher: '', params: {} };
}

/** The nodes with these ids (with a scope: only those it shows). */
export function getNodes(ids: readonly string[], scope?: ReadScope): Statement {
  const w = whereScope(scope, 'n');
  return { cypher: `UNWIND $ids AS id MATCH (n:TrailgraphNode {id: id})${w.cypher} RETURN n`, params: { ...w.params, ids } };
}

function listWhere(ontology: CompiledOntology, query: NodeQuery): Fragment {
  const names = new ParamNames('f');
  return and([
    scopePredicate(query.scope, 'n'),
    ...(query.filters ?? []).map((f) => propertyFilter(ontology, f, names)),
    ...(query.marks ?? []).map((f) => markFilter(f, names)),
    ...(query.relationships ?? []).map((f) => relationshipFilter(ontology, f, 'n', (far) => scopePredicate(query.scope, far))),
  ]);
}

/** A page of nodes of a class (subclasses included: they carry the label). Needs `$now` for mark filters. */
export function listNodes(ontology: CompiledOntology, query: NodeQuery, now: number): Statement {
  const where = listWhere(ontology, query);
  const sort = sortFragments(ontology, query.sort, query.after);
  const cond = and([where, sort.after]);
  return {
    cypher: `MATCH (n:${classLabel(ontology, query.class)}) WHERE ${cond.cypher} RETURN n ORDER BY ${sort.orderBy} LIMIT $limit`,
    params: { ...cond.params, now, limit: query.first + 1 },
  };
}

/** The total for listNodes (filters, no cursor). */
export function countNodes(ontology: CompiledOntology, query: NodeQuery, now: number): Statement {
  const where = listWhere(ontology, query);
  return {
    cypher: `MATCH (n:${classLabel(ontology, query.class)}) WHERE ${where.cypher} RETURN count(n) AS total`,
    params: { ...where.params, now },
  };
}

/** Related nodes per parent in one statement: per-parent total, and the page after the cursor. */
export function related(ontology: CompiledOntology, query: RelatedQuery): Statement {
  const t = relType(ontology, query.type);
  const pattern = query.direction === 'out' ? `(p:TrailgraphNode {id: parentId})-[:${t}]->(n:TrailgraphNode)` : `(p:TrailgraphNode {id: parentId})<-[:${t}]-(n:TrailgraphNode)`;
  const names = new ParamNames('f');
  const where = and([scopePredicate(query.scope, 'n'), ...(query.filters ?? []).map((f) => propertyFilter(ontology, f, names))]);
  const sort = sortFragments(ontology, query.sort, query.after);
  return {
    cypher:
      `UNWIND $ids AS parentId MATCH ${pattern} WHERE ${where.cypher} ` +
      `WITH parentId, n, ${sort.after?.cypher ?? 'true'} AS afterCursor ORDER BY ${sort.orderBy} ` +
      'WITH parentId, count(n) AS total, collect(CASE WHEN afterCursor THEN n END) AS page ' +
      'RETURN parentId, total, page[..$limit] AS nodes',
    params: { ...where.params, ...sort.after?.params, ids: query.ids, limit: query.first + 1 },
  };
}

/** Related-node counts per parent; with a scope, only related nodes it shows are counted. */
export function countRelated(ontology: CompiledOntology, ids: readonly string[], type: string, direction: 'out' | 'in', scope?: ReadScope): Statement {
  const t = relType(ontology, type);
  const other = scope ? '(n:TrailgraphNode)' : '(:TrailgraphNode)';
  const pattern = direction === 'out' ? `(p:TrailgraphNode {id: parentId})-[r:${t}]->${other}` : `(p:TrailgraphNode {id: parentId})<-[r:${t}]-${other}`;
  const w = whereScope(scope, 'n');
  return { cypher: `UNWIND $ids AS parentId OPTIONAL MATCH ${pattern}${w.cypher} RETURN parentId, count(r) AS count`, params: { ...w.params, ids } };
}

/**
 * `via` as a relationship-type alternation in the pattern (`:forPatient|referredBy`), names checked against the
 * ontology, so the planner expands only those types instead of every relationship and filtering afterwards (a walk
 * through a hub otherwise visits the hub's whole fan-out). The `$via` predicate stays: it is what makes an empty
 * `via` list match nothing.
 */
function viaTypes(ontology: CompiledOntology, via: readonly string[] | undefined): string {
  return via && via.length > 0 ? `:${via.map((v) => relType(ontology, v)).join('|')}` : '';
}

/**
 * A neighbourhood in one statement: the nodes within `n` hops of `id` (either direction), nearest first (ties by
 * id), at most `limit` besides the start, whether more existed, and the relationships the walk crossed — both
 * endpoints among the nodes and at least one nearer than the hop limit, from which the walk went on (core's
 * Neighbourhood rule: a relationship between two nodes both at the outermost distance is not part of the answer).
 *
 * Breadth-first, one CALL per hop, and bounded: a hop keeps at most `limit + 1` new nodes (the lowest ids, a top-k
 * rather than a sort), and once the answer is full the later hops expand nothing. A variable-length pattern
 * instead enumerates every path: two hops from a referral through its Specialty are the Specialty's 66,600
 * referrals, each aggregated, sorted and collected with its properties to keep 50 — ~300 ms a request where the
 * walk costs milliseconds. A hop's nodes are all carried to the next only while the answer has room, so they are
 * never more than `limit`. With a scope the walk neither returns nor passes through a node it hides.
 * One statement rather than two in a transaction: each statement, BEGIN and COMMIT is a round trip the server pays
 * driver CPU for. Nodes are collected in the order of the preceding WITH ... ORDER BY (the documented idiom).
 */
export function neighbourhood(ontology: CompiledOntology, id: string, n: number, via: readonly string[] | undefined, limit: number, scope?: ReadScope): Statement {
  for (const v of via ?? []) relType(ontology, v);
  const start = whereScope(scope, 's');
  const through = scopePredicate(scope, 'm');
  const types = viaTypes(ontology, via);
  const hop = (d: number): string =>
    'CALL (seen, frontier, truncated) { ' +
    'UNWIND CASE WHEN truncated THEN [] ELSE frontier END AS f ' +
    `MATCH (f)-[r${types}]-(m:TrailgraphNode) WHERE NOT m IN seen AND ($via IS NULL OR type(r) IN $via)${through ? ` AND ${through.cypher}` : ''} ` +
    'WITH DISTINCT m ORDER BY m.id LIMIT $cap RETURN collect(m) AS level } ' +
    'WITH s, seen + level AS seen, level AS frontier, ' +
    `nodes + [x IN level[..$limit - size(nodes)] | {node: x, distance: ${d}}] AS nodes, truncated OR size(nodes) + size(level) > $limit AS truncated `;
  const walk = Array.from({ length: hops(n) }, (_, i) => hop(i + 1)).join('');
  return {
    cypher:
      `MATCH (s:TrailgraphNode {id: $id})${start.cypher} ` +
      'WITH s, [s] AS seen, [s] AS frontier, [] AS nodes, false AS truncated ' +
      walk +
      `WITH s, nodes, truncated, [s.id] + [x IN nodes | x.node.id] AS ids, [s.id] + [x IN nodes WHERE x.distance < ${n} | x.node.id] AS inner ` +
      // Outward from each found node (already bound, no index seek): matching both ends by id lets the planner
      // expand from the far end instead, which for a patient's GP is every referral the GP ever made.
      'RETURN s AS start, nodes, truncated, COLLECT { ' +
      'UNWIND [s] + [x IN nodes | x.node] AS a MATCH (a)-[r]->(b:TrailgraphNode) WHERE b.id IN ids AND (a.id IN inner OR b.id IN inner) AND ($via IS NULL OR type(r) IN $via) ' +
      `RETURN ${REL_MAP('r', 'a', 'b')} } AS rels`,
    params: { ...start.params, ...through?.params, id, via: via ?? null, limit, cap: limit + 1 },
  };
}

/** Simple paths (no node twice) between two nodes, shortest first, relationships in path order. */
export function paths(ontology: CompiledOntology, from: string, to: string, maxHops: number, via: readonly string[] | undefined, limit: number, scope?: ReadScope): Statement {
  for (const v of via ?? []) relType(ontology, v);
  // With a scope, only paths whose every node (both ends included) the scope shows.
  const through = scopePredicate(scope, 'x');
  return {
    cypher:
      `MATCH p = (a:TrailgraphNode {id: $from})-[rs${viaTypes(ontology, via)}*1..${hops(maxHops)}]-(b:TrailgraphNode {id: $to}) ` +
      'WHERE ($via IS NULL OR all(r IN rs WHERE type(r) IN $via)) ' +
      (through ? `AND all(x IN nodes(p) WHERE ${through.cypher}) ` : '') +
      'AND all(i IN range(0, size(nodes(p)) - 2) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..]) ' +
      'WITH p, length(p) AS hops, [x IN nodes(p) | x.id] AS key ORDER BY hops, key LIMIT $limit ' +
      `RETURN hops, key, [x IN nodes(p) | {id: x.id, class: x._class}] AS nodes, [r IN relationships(p) | ${REL_MAP('r', 'startNode(r)', 'endNode(r)')}] AS rels ` +
      'ORDER BY hops, key',
    params: { ...through?.params, from, to, via: via ?? null, limit },
  };
}

/**
 * Scoped ledger reads keep only the entries core's rule shows (core/auth/ledger-view.ts: at least one change whose
 * every node is visible), in the statement itself, so a LIMIT counts shown entries as on SQLite. `visible` is the
 * ids the entry touched that the scope shows (its TOUCHES links; a deleted node is not visible); each change's
 * nodes are the parallel lists `changeFirstIds` / `changeSecondIds` written with the entry, since the changes
 * themselves are JSON text Cypher cannot read. The adapter redacts each returned entry with the same `visible`.
 */
function scopedEntry(scope: ReadScope): Fragment {
  const p = scopePredicate(scope, 'x') ?? { cypher: 'true', params: {} };
  return {
    cypher:
      `WITH l, COLLECT { MATCH (l)-[:TRAILGRAPH_TOUCHES]->(ref:TrailgraphLedgerNodeRef) MATCH (x:TrailgraphNode {id: ref.id}) WHERE ${p.cypher} RETURN x.id } AS visible ` +
      // coalesce: an entry written before the lists existed (until the data upgrade fills them in) shows nothing
      // rather than failing the read in range().
      'WHERE any(i IN range(0, size(coalesce(l.changeFirstIds, [])) - 1) WHERE l.changeFirstIds[i] IN visible AND l.changeSecondIds[i] IN visible)',
    params: p.params,
  };
}

/** Entries that touched node `id`; with a scope, none unless the scope shows the node (it is absent to the caller). */
export function history(id: string, afterSeq: number, first: number, scope?: ReadScope): Statement {
  if (!scope) {
    return {
      cypher: 'MATCH (:TrailgraphLedgerNodeRef {id: $id})<-[:TRAILGRAPH_TOUCHES]-(l:TrailgraphLedgerEntry) WHERE l.seq > $afterSeq RETURN l ORDER BY l.seq LIMIT $first',
      params: { id, afterSeq, first },
    };
  }
  const self = scopePredicate(scope, 'n') ?? { cypher: 'true', params: {} };
  const shown = scopedEntry(scope);
  // The hint keeps the walk starting at the node's ref: with the LIMIT after the shown-filter the planner otherwise
  // prefers the seq index for its order and scans the whole ledger for the few entries touching the node.
  return {
    cypher:
      'MATCH (ref:TrailgraphLedgerNodeRef {id: $id})<-[:TRAILGRAPH_TOUCHES]-(l:TrailgraphLedgerEntry) USING INDEX ref:TrailgraphLedgerNodeRef(id) ' +
      `WHERE l.seq > $afterSeq AND EXISTS { MATCH (n:TrailgraphNode {id: $id}) WHERE ${self.cypher} } ` +
      `WITH l ORDER BY l.seq ${shown.cypher} RETURN l, visible ORDER BY l.seq LIMIT $first`,
    params: { ...self.params, ...shown.params, id, afterSeq, first },
  };
}

/** Entries after `afterSeq`; with a scope, only those it shows. */
export function ledger(afterSeq: number, limit: number, scope?: ReadScope): Statement {
  if (!scope) return { cypher: 'MATCH (l:TrailgraphLedgerEntry) WHERE l.seq > $afterSeq RETURN l ORDER BY l.seq LIMIT $limit', params: { afterSeq, limit } };
  const shown = scopedEntry(scope);
  return {
    cypher: `MATCH (l:TrailgraphLedgerEntry) WHERE l.seq > $afterSeq WITH l ORDER BY l.seq ${shown.cypher} RETURN l, visible ORDER BY l.seq LIMIT $limit`,
    params: { ...shown.params, afterSeq, limit },
  };
}

export function findEvent(eventId: string, scope?: ReadScope, source?: string): Statement {
  // Ids are unique per source only: the first event that used the id (with a scope: the first one it shows), or
  // with a source the one event of that key.
  const key = source === undefined ? '{eventId: $eventId}' : '{eventId: $eventId, source: $source}';
  const keyParams = source === undefined ? { eventId } : { eventId, source };
  if (!scope) return { cypher: `MATCH (l:TrailgraphLedgerEntry ${key}) RETURN l ORDER BY l.seq LIMIT 1`, params: keyParams };
  const shown = scopedEntry(scope);
  return {
    cypher: `MATCH (l:TrailgraphLedgerEntry ${key}) ${shown.cypher} RETURN l, visible ORDER BY l.seq LIMIT 1`,
    params: { ...shown.params, ...keyParams },
  };
}

export function headSeq(): Statement {
  return { cypher: "OPTIONAL MATCH (h:TrailgraphMeta {key: 'head'}) RETURN coalesce(h.seq, 0) AS head", params: {} };
}

export function getCheckpoint(name: string): Statement {
  return { cypher: 'OPTIONAL MATCH (c:TrailgraphCheckpoint {name: $name}) RETURN coalesce(c.position, 0) AS position', params: { name } };
}

/** User metadata lives beside the head node, under a `meta:` key so no name can collide with it. */
export function setMeta(key: string, value: string): Statement {
  return { cypher: 'MERGE (m:TrailgraphMeta {key: $key}) SET m.value = $value', params: { key: `meta:${key}`, value } };
}

export function getMeta(key: string): Statement {
  return { cypher: 'MATCH (m:TrailgraphMeta {key: $key}) RETURN m.value AS value', params: { key: `meta:${key}` } };
}
