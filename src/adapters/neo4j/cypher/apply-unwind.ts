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
    cypher: 'UNWIND $ids AS id MATCH (n:Resource {id: id}) RETURN id, n._class AS class, labels(n) AS labels, properties(n) AS props',
    params: { ids },
  };
}

/** Every current target of each `(type, from)` pair, with the target's class. */
export function readTargets(pairs: readonly { readonly type: string; readonly from: string }[]): Statement {
  return {
    cypher:
      'UNWIND $pairs AS p MATCH (a:Resource {id: p.from})-[r]->(b:Resource) WHERE type(r) = p.type ' +
      'RETURN p.type AS type, p.from AS from, b.id AS to, b._class AS toClass',
    params: { pairs },
  };
}

/** Which of the relationships `(from)-[type]->(to)` exist, with the target's class. */
export function probeRelationships(rels: readonly { readonly type: string; readonly from: string; readonly to: string }[]): Statement {
  return {
    cypher:
      'UNWIND $rels AS x MATCH (a:Resource {id: x.from})-[r]->(b:Resource {id: x.to}) WHERE type(r) = x.type ' +
      'RETURN x.type AS type, x.from AS from, b.id AS to, b._class AS toClass',
    params: { rels },
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
    cypher: `UNWIND $rows AS row MATCH (n:Resource {id: row.id}) SET n${labelExpr(ontology, labels)}, n += row.props, n += row.meta`,
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
      'UNWIND $rows AS row MATCH (a:Resource {id: row.from}) WITH a, row MATCH (b:Resource {id: row.to}) ' +
      `CREATE (a)-[r:${relType(ontology, type)}]->(b) SET r += row.meta`,
    params: { rows },
  };
}

/** Deletes `type` relationships. */
export function deleteRelationships(ontology: CompiledOntology, type: string, rows: readonly RelRow[]): Statement {
  return {
    cypher: `UNWIND $rows AS row MATCH (a:Resource {id: row.from})-[r:${relType(ontology, type)}]->(b:Resource {id: row.to}) DELETE r`,
    params: { rows: rows.map((r) => ({ from: r.from, to: r.to })) },
  };
}
