/**
 * Cypher for applying change sets. The write transaction first locks the singleton head node (lock-first, then
 * read: Neo4j's documented cure for lost updates), so every apply, mark and claim transaction is serialised on it;
 * inside that lock a node can be read and then written without a race. What to write is decided by core's rules
 * (core/projection/node-diff.ts) from what these statements return.
 */
import type { CompiledOntology } from '../../../core/ontology/model.ts';
import type { Scalar } from '../../../core/projection/change-set.ts';
import { labelExpr, propertyKey, relType } from './names.ts';
import { provenanceOf, provenanceParams, type BatchProvenance } from './provenance.ts';
import { FloatParam, type Statement } from './statement.ts';

/** Provenance written on every node and relationship a change touches. */
export interface ProvParams {
  readonly eventId: string;
  readonly source: string;
  readonly time: string;
  readonly seq: number;
}

/** Property values as params: keys checked against the ontology, float-ranged values marked so they stay FLOAT; null stays null (a retraction in `SET n += …`). */
export function propsParam(ontology: CompiledOntology, props: Readonly<Record<string, Scalar | readonly Scalar[] | null>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    propertyKey(ontology, k);
    const def = ontology.properties.get(k);
    const float = def?.kind === 'datatype' && def.range === 'float';
    const asFloat = (x: Scalar): unknown => (float && typeof x === 'number' ? new FloatParam(x) : x);
    out[k] = Array.isArray(v) ? (v as readonly Scalar[]).map(asFloat) : asFloat(v as Scalar);
  }
  return out;
}

const PROV_SET = (v: string): string => `${v}._eventId = $eventId, ${v}._source = $source, ${v}._time = $time, ${v}._seq = $seq`;

/** Locks the head node and reads the last seq. Always the first statement of a write transaction. */
export function lockHead(): Statement {
  return {
    cypher: "MERGE (h:TrailgraphMeta {key: 'head'}) ON CREATE SET h.seq = 0 SET h._lock = true WITH h RETURN h.seq AS head",
    params: {},
  };
}

/** Moves the head to `seq` (inside the locked transaction). */
export function setHead(seq: number): Statement {
  return { cypher: "MATCH (h:TrailgraphMeta {key: 'head'}) SET h.seq = $seq", params: { seq } };
}

/** A node's class, labels and properties (undefined row when absent). */
export function readNode(id: string): Statement {
  return { cypher: 'MATCH (n:TrailgraphNode {id: $id}) RETURN n._class AS class, labels(n) AS labels, properties(n) AS props', params: { id } };
}

/** Creates a node of `labels` with `props` (datatype properties only). */
export function createNode(ontology: CompiledOntology, id: string, cls: string, labels: readonly string[], props: Readonly<Record<string, Scalar | readonly Scalar[]>>, prov: ProvParams): Statement {
  return {
    cypher: `CREATE (n${labelExpr(ontology, labels)} {id: $id}) SET n += $props, n._class = $class, ${PROV_SET('n')}, n._createdSeq = $seq`,
    params: { id, class: cls, props: propsParam(ontology, props), ...prov },
  };
}

/**
 * Updates a node: new labels (a more specific class), changed properties (replaced whole; lists included), removed
 * properties, provenance.
 */
export function updateNode(
  ontology: CompiledOntology,
  id: string,
  cls: string,
  labels: readonly string[] | undefined,
  props: Readonly<Record<string, Scalar | readonly Scalar[]>>,
  remove: readonly string[],
  prov: ProvParams,
): Statement {
  const setLabels = labels ? `, n${labelExpr(ontology, labels)}` : '';
  const removeClause = remove.length ? ` REMOVE ${remove.map((k) => `n.${propertyKey(ontology, k)}`).join(', ')}` : '';
  return {
    cypher: `MATCH (n:TrailgraphNode {id: $id}) SET n += $props, n._class = $class${setLabels}, ${PROV_SET('n')}${removeClause}`,
    params: { id, class: cls, props: propsParam(ontology, props), ...prov },
  };
}

/** Targets of `type` relationships from `from`, with their class. */
export function readTargets(ontology: CompiledOntology, type: string, from: string): Statement {
  return {
    cypher: `MATCH (a:TrailgraphNode {id: $from})-[:${relType(ontology, type)}]->(b:TrailgraphNode) RETURN b.id AS id, b._class AS class ORDER BY b.id`,
    params: { from },
  };
}

/** Creates `(from)-[type]->(to)` unless present; `created` says which (OPTIONAL MATCH before MERGE). */
export function mergeRelationship(ontology: CompiledOntology, type: string, from: string, to: string, prov: ProvParams): Statement {
  const t = relType(ontology, type);
  return {
    cypher:
      `MATCH (a:TrailgraphNode {id: $from}) WITH a MATCH (b:TrailgraphNode {id: $to}) ` +
      `OPTIONAL MATCH (a)-[existing:${t}]->(b) ` +
      `WITH a, b, count(existing) AS existed ` +
      `MERGE (a)-[r:${t}]->(b) ON CREATE SET ${PROV_SET('r')}, r._createdSeq = $seq ` +
      'RETURN existed = 0 AS created',
    params: { from, to, ...prov },
  };
}

/** Deletes `(from)-[type]->(to)` for each `to` in `targets` (or every target when `targets` is null). */
export function deleteRelationships(ontology: CompiledOntology, type: string, from: string, targets: readonly string[] | null): Statement {
  return {
    cypher:
      `MATCH (a:TrailgraphNode {id: $from})-[r:${relType(ontology, type)}]->(b:TrailgraphNode) ` +
      'WHERE $targets IS NULL OR b.id IN $targets ' +
      'WITH a, r, b.id AS toId, b._class AS toClass ORDER BY toId DELETE r ' +
      'RETURN a._class AS fromClass, toId, toClass',
    params: { from, targets },
  };
}

/** What deleting a node takes with it: its relationships (both directions) and the marks on it. */
export function readNodeForDelete(id: string): Statement {
  return {
    cypher:
      'MATCH (n:TrailgraphNode {id: $id}) ' +
      'OPTIONAL MATCH (n)-[o]->(t:TrailgraphNode) ' +
      'WITH n, collect(CASE WHEN o IS NULL THEN null ELSE {type: type(o), id: t.id, class: t._class} END) AS outgoing ' +
      'OPTIONAL MATCH (s:TrailgraphNode)-[i]->(n) WHERE s <> n ' +
      'WITH n, outgoing, collect(CASE WHEN i IS NULL THEN null ELSE {type: type(i), id: s.id, class: s._class} END) AS incoming ' +
      'OPTIONAL MATCH (m:TrailgraphMark {on: $id}) ' +
      'RETURN n._class AS class, outgoing, incoming, collect(CASE WHEN m IS NULL THEN null ELSE {id: m.id, kind: m.kind, agent: m.agent} END) AS marks',
    params: { id },
  };
}

/** Deletes a node, its relationships and the marks on it. Claims stay: their fencing tokens must keep growing. */
export function deleteNode(id: string): Statement {
  return {
    cypher: 'MATCH (n:TrailgraphNode {id: $id}) OPTIONAL MATCH (m:TrailgraphMark {on: $id}) WITH n, collect(m) AS marks FOREACH (m IN marks | DELETE m) DETACH DELETE n',
    params: { id },
  };
}

/**
 * One ledger row as stored: changes and event as JSON strings, `changeFirstIds` / `changeSecondIds` each change's
 * nodes (core's changeNodeColumns: what scoped reads test in Cypher); `touched` = node ids for history.
 */
export interface LedgerRowParams {
  readonly props: Readonly<Record<string, string | number | readonly string[]>>;
  readonly touched: readonly string[];
}

/** Writes ledger rows (UNWIND batch) and their history links. */
export function writeLedger(rows: readonly LedgerRowParams[]): Statement {
  return {
    cypher:
      'UNWIND $rows AS row CREATE (l:TrailgraphLedgerEntry) SET l = row.props ' +
      'WITH l, row UNWIND row.touched AS nodeId MERGE (r:TrailgraphLedgerNodeRef {id: nodeId}) CREATE (l)-[:TRAILGRAPH_TOUCHES]->(r)',
    params: { rows },
  };
}

/**
 * Writes the ledger rows of a batch's applied change sets and their history links. A row is the stored properties
 * less what the batch already sends: the kind (`event`), the event id, source and time (the batch's provenance at
 * the row's seq, provenance.ts), and the touched node ids (each id of `changeFirstIds` / `changeSecondIds` once).
 */
export function writeEventLedger(rows: readonly Readonly<Record<string, string | number | readonly string[]>>[], prov: BatchProvenance): Statement {
  const p = provenanceOf('row.seq');
  return {
    cypher:
      `UNWIND $rows AS row CREATE (l:TrailgraphLedgerEntry) SET l = row, l.kind = 'event', l.eventId = ${p.eventId}, l.source = ${p.source}, l.time = ${p.time} ` +
      'WITH l, row UNWIND row.changeFirstIds + row.changeSecondIds AS nodeId WITH DISTINCT l, nodeId ' +
      'MERGE (r:TrailgraphLedgerNodeRef {id: nodeId}) CREATE (l)-[:TRAILGRAPH_TOUCHES]->(r)',
    params: { rows, ...provenanceParams(prov) },
  };
}

/** Commits a consumer checkpoint in the apply transaction. */
export function setCheckpoint(name: string, position: number): Statement {
  return { cypher: 'MERGE (c:TrailgraphCheckpoint {name: $name}) SET c.position = $position', params: { name, position } };
}
