/**
 * Set-based Cypher for applying a batch: one read of every node the batch touches, one read of the current
 * targets of every (type, from) pair it relates, then one `UNWIND` write per kind of change (and per label set or
 * relationship type, which Cypher 5 cannot take as parameters). What to write is decided in JS from what the
 * reads returned (batch-state.ts, by core's rules); these statements only carry it out. Used inside the write
 * transaction that locked the head node first, so nothing changes between the reads and the writes.
 */
import type { CompiledOntology } from '../../../core/ontology/model.ts';
import { labelExpr, relType } from './names.ts';
import type { Statement } from './statement.ts';

/** Class, labels and properties of each existing node of `ids`. */
export function readNodes(ids: readonly string[]): Statement {
  return {
    cypher: 'UNWIND $ids AS id MATCH (n:TrailgraphNode {id: id}) RETURN id, n._class AS class, labels(n) AS labels, properties(n) AS props',
    params: { ids },
  };
}

/** `rows` grouped by relationship type, types in code-point order (the statement text is stable). */
function byType<T extends { readonly type: string }>(rows: readonly T[]): [string, T[]][] {
  const m = new Map<string, T[]>();
  for (const r of rows) m.set(r.type, [...(m.get(r.type) ?? []), r]);
  return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Every current target of each `(type, from)` pair, with the target's class. One `UNION ALL` branch per type, the
 * type in the pattern: the planner then expands only that type's relationships of each node, where a
 * `type(r) = p.type` filter would walk all of them (a hub's whole fan-out for one functional pair).
 */
export function readTargets(ontology: CompiledOntology, pairs: readonly { readonly type: string; readonly from: string }[]): Statement {
  const groups = byType(pairs);
  return {
    cypher: groups
      .map(([type], i) => `UNWIND $from${i} AS f MATCH (a:TrailgraphNode {id: f})-[r:${relType(ontology, type)}]->(b:TrailgraphNode) RETURN type(r) AS type, f AS from, b.id AS to, b._class AS toClass`)
      .join(' UNION ALL '),
    params: Object.fromEntries(groups.map(([, rows], i) => [`from${i}`, rows.map((p) => p.from)])),
  };
}

/** Which of the relationships `(from)-[type]->(to)` exist, with the target's class (typed patterns, as readTargets). */
export function probeRelationships(ontology: CompiledOntology, rels: readonly { readonly type: string; readonly from: string; readonly to: string }[]): Statement {
  const groups = byType(rels);
  return {
    cypher: groups
      .map(([type], i) => `UNWIND $rels${i} AS x MATCH (a:TrailgraphNode {id: x.from})-[r:${relType(ontology, type)}]->(b:TrailgraphNode {id: x.to}) RETURN type(r) AS type, x.from AS from, b.id AS to, b._class AS toClass`)
      .join(' UNION ALL '),
    params: Object.fromEntries(groups.map(([, rows], i) => [`rels${i}`, rows.map((x) => ({ from: x.from, to: x.to }))])),
  };
}

/** A node row: id, ontology properties (values already typed by propsParam; null retracts), bookkeeping. */
export interface NodeRow {
  readonly id: string;
  readonly props: Readonly<Record<string, unknown>>;
  readonly meta: Readonly<Record<string, string | number>>;
}

/** Creates nodes that all carry `labels`. */
export function createNodes(ontology: CompiledOntology, labels: readonly string[], rows: readonly NodeRow[]): Statement {
  return {
    cypher: `UNWIND $rows AS row CREATE (n${labelExpr(ontology, labels)} {id: row.id}) SET n += row.props, n += row.meta`,
    params: { rows },
  };
}

/** Updates existing nodes to end with `labels` (labels only ever grow: a more specific class). */
export function updateNodes(ontology: CompiledOntology, labels: readonly string[], rows: readonly NodeRow[]): Statement {
  return {
    cypher: `UNWIND $rows AS row MATCH (n:TrailgraphNode {id: row.id}) SET n${labelExpr(ontology, labels)}, n += row.props, n += row.meta`,
    params: { rows },
  };
}

/** A relationship row: its endpoints and, for a new one, its provenance. */
export interface RelRow {
  readonly from: string;
  readonly to: string;
  readonly meta?: Readonly<Record<string, string | number>>;
}

/** Creates `type` relationships (known absent: the batch deleted any it replaces first). */
export function createRelationships(ontology: CompiledOntology, type: string, rows: readonly RelRow[]): Statement {
  return {
    cypher:
      'UNWIND $rows AS row MATCH (a:TrailgraphNode {id: row.from}) WITH a, row MATCH (b:TrailgraphNode {id: row.to}) ' +
      `CREATE (a)-[r:${relType(ontology, type)}]->(b) SET r += row.meta`,
    params: { rows },
  };
}

/** Deletes `type` relationships. */
export function deleteRelationships(ontology: CompiledOntology, type: string, rows: readonly RelRow[]): Statement {
  return {
    cypher: `UNWIND $rows AS row MATCH (a:TrailgraphNode {id: row.from})-[r:${relType(ontology, type)}]->(b:TrailgraphNode {id: row.to}) DELETE r`,
    params: { rows: rows.map((r) => ({ from: r.from, to: r.to })) },
  };
}
