/**
 * The versioned rows as-of reads use, on Neo4j: `TrailgraphNodeVersion` and `TrailgraphRelVersion` nodes (not
 * part of the graph: no machinery label, no relationships), each valid from `seq` until `vt` (NULL = current).
 * Written in the applying transaction; a version's properties are kept as JSON text in the record's shape, so a
 * past state is loaded as it was answered then. The chains within one batch are computed by the caller; these
 * statements close the version current before the batch and create the batch's versions.
 */
import { provenanceOf, provenanceParams, type BatchProvenance } from './provenance.ts';
import type { Statement } from './statement.ts';

/** One version of a node: `createdSeq` null = the same as the version it replaces (read in the statement). */
export interface NodeVersionRow {
  readonly seq: number;
  vt: number | null;
  readonly class: string;
  readonly labels: readonly string[];
  readonly props: string;
  readonly eventId: string;
  readonly source: string;
  readonly time: string;
  readonly createdSeq: number | null;
}

export interface NodeHistoryRow {
  readonly id: string;
  /** The seq that ends the version current before the batch (the first change of the batch to this node). */
  readonly closeAt: number;
  readonly versions: NodeVersionRow[];
}

export interface RelVersionRow {
  readonly seq: number;
  vt: number | null;
  readonly eventId: string;
  readonly source: string;
  readonly time: string;
}

export interface RelHistoryRow {
  readonly type: string;
  readonly from: string;
  readonly to: string;
  /** Set when the batch retracted the relationship that existed before it. */
  closeAt: number | null;
  readonly versions: RelVersionRow[];
}

export function writeNodeHistory(rows: readonly NodeHistoryRow[]): Statement {
  return {
    cypher:
      'UNWIND $rows AS h ' +
      'OPTIONAL MATCH (p:TrailgraphNodeVersion {id: h.id}) WHERE p.vt IS NULL ' +
      'SET p.vt = h.closeAt ' +
      'WITH h, max(p.createdSeq) AS prevCreated ' +
      'UNWIND h.versions AS v ' +
      'CREATE (:TrailgraphNodeVersion {id: h.id, seq: v.seq, vt: v.vt, class: v.class, labels: v.labels, props: v.props, eventId: v.eventId, ' +
      'source: v.source, time: v.time, createdSeq: coalesce(v.createdSeq, prevCreated, v.seq)})',
    params: { rows },
  };
}

export function writeRelHistory(rows: readonly RelHistoryRow[]): Statement {
  return {
    cypher:
      'UNWIND $rows AS h ' +
      'OPTIONAL MATCH (p:TrailgraphRelVersion {type: h.type, from: h.from, to: h.to}) WHERE p.vt IS NULL AND h.closeAt IS NOT NULL ' +
      'SET p.vt = h.closeAt ' +
      'WITH DISTINCT h ' +
      'UNWIND h.versions AS v ' +
      'CREATE (:TrailgraphRelVersion {type: h.type, from: h.from, to: h.to, seq: v.seq, vt: v.vt, eventId: v.eventId, source: v.source, time: v.time})',
    params: { rows },
  };
}

/**
 * The labels of each class among `versions`, sent once per statement, and the versions whose labels differ from
 * their class's first (sent on the row itself): every version the store records has its class's labels, so the
 * fallback is for rows from elsewhere.
 */
function labelsByClass(versions: readonly NodeVersionRow[]): { byClass: Record<string, readonly string[]>; own: Set<NodeVersionRow> } {
  const byClass: Record<string, readonly string[]> = {};
  const own = new Set<NodeVersionRow>();
  for (const v of versions) {
    const known = Object.hasOwn(byClass, v.class) ? byClass[v.class] : undefined;
    if (known === undefined) byClass[v.class] = v.labels;
    else if (known.length !== v.labels.length || known.some((l, i) => l !== v.labels[i])) own.add(v);
  }
  return { byClass, own };
}

/**
 * The versions of nodes that did not exist before the batch (created by it): no version to close and no earlier
 * `createdSeq` to carry, so no lookup per row — `writeNodeHistory` without its OPTIONAL MATCH and aggregation. One
 * row per version, with only what is not the batch's provenance (by seq) or its class's labels: absent `vt` = the
 * current version, absent `createdSeq` = its own seq.
 */
export function createNodeVersions(rows: readonly NodeHistoryRow[], prov: BatchProvenance): Statement {
  const { byClass, own } = labelsByClass(rows.flatMap((r) => r.versions));
  const flat: Record<string, unknown>[] = [];
  for (const r of rows) {
    for (const v of r.versions) {
      const row: Record<string, unknown> = { id: r.id, seq: v.seq, class: v.class, props: v.props };
      if (v.vt !== null) row.vt = v.vt;
      if (v.createdSeq !== null && v.createdSeq !== v.seq) row.createdSeq = v.createdSeq;
      if (own.has(v)) row.labels = v.labels;
      flat.push(row);
    }
  }
  const p = provenanceOf('v.seq');
  return {
    cypher:
      'UNWIND $rows AS v ' +
      'CREATE (:TrailgraphNodeVersion {id: v.id, seq: v.seq, vt: v.vt, class: v.class, labels: coalesce(v.labels, $labels[v.class]), props: v.props, ' +
      `eventId: ${p.eventId}, source: ${p.source}, time: ${p.time}, createdSeq: coalesce(v.createdSeq, v.seq)})`,
    params: { rows: flat, labels: byClass, ...provenanceParams(prov) },
  };
}

/**
 * The versions of relationships the batch did not retract from before it (`closeAt` null): nothing to close. One
 * row per version, its provenance the batch's (by seq); absent `vt` = the current version.
 */
export function createRelVersions(rows: readonly RelHistoryRow[], prov: BatchProvenance): Statement {
  const flat: Record<string, unknown>[] = [];
  for (const r of rows) {
    for (const v of r.versions) flat.push(v.vt === null ? { type: r.type, from: r.from, to: r.to, seq: v.seq } : { type: r.type, from: r.from, to: r.to, seq: v.seq, vt: v.vt });
  }
  const p = provenanceOf('v.seq');
  return {
    cypher:
      'UNWIND $rows AS v ' +
      `CREATE (:TrailgraphRelVersion {type: v.type, from: v.from, to: v.to, seq: v.seq, vt: v.vt, eventId: ${p.eventId}, source: ${p.source}, time: ${p.time}})`,
    params: { rows: flat, ...provenanceParams(prov) },
  };
}

const VALID = (v: string): string => `${v}.seq <= $seq AND (${v}.vt IS NULL OR ${v}.vt > $seq)`;

/** The node versions valid at `seq`, in id order, a page after `afterId`. */
export function nodesAt(seq: number, afterId: string, limit: number): Statement {
  return {
    cypher: `MATCH (v:TrailgraphNodeVersion) WHERE v.id > $afterId AND ${VALID('v')} RETURN v ORDER BY v.id LIMIT $limit`,
    params: { seq, afterId, limit },
  };
}

/** The relationship versions valid at `seq`. */
export function relsAt(seq: number): Statement {
  return { cypher: `MATCH (v:TrailgraphRelVersion) WHERE ${VALID('v')} RETURN v`, params: { seq } };
}

/** The last seq committed at or before `time` (ISO 8601 text compares in time order). */
export function seqAt(time: string): Statement {
  return { cypher: 'MATCH (l:TrailgraphLedgerEntry) WHERE l.committedAt <= $time RETURN coalesce(max(l.seq), 0) AS seq', params: { time } };
}

/** Deletes up to `limit` history rows; returns how many (the caller repeats until 0). */
export function dropHistory(limit: number): Statement {
  return {
    cypher: 'MATCH (v) WHERE v:TrailgraphNodeVersion OR v:TrailgraphRelVersion WITH v LIMIT $limit DELETE v RETURN count(*) AS n',
    params: { limit },
  };
}

/** A page of the current nodes (to start the history from them), in id order. */
export function currentNodes(afterId: string, limit: number): Statement {
  return { cypher: 'MATCH (n:TrailgraphNode) WHERE n.id > $afterId RETURN n ORDER BY n.id LIMIT $limit', params: { afterId, limit } };
}

/** The current relationships out of a page of nodes. */
export function currentRelsFrom(ids: readonly string[]): Statement {
  return {
    cypher:
      'UNWIND $ids AS id MATCH (a:TrailgraphNode {id: id})-[r]->(b:TrailgraphNode) ' +
      'RETURN type(r) AS type, a.id AS from, b.id AS to, r._eventId AS eventId, r._source AS source, r._time AS time, r._seq AS seq',
    params: { ids },
  };
}

/** Indexes the history reads use. */
export function historySchema(): Statement[] {
  return [
    { cypher: 'CREATE INDEX tg_node_version IF NOT EXISTS FOR (v:TrailgraphNodeVersion) ON (v.id)', params: {} },
    { cypher: 'CREATE INDEX tg_node_version_seq IF NOT EXISTS FOR (v:TrailgraphNodeVersion) ON (v.seq)', params: {} },
    { cypher: 'CREATE INDEX tg_rel_version IF NOT EXISTS FOR (v:TrailgraphRelVersion) ON (v.type, v.from, v.to)', params: {} },
    { cypher: 'CREATE INDEX tg_rel_version_seq IF NOT EXISTS FOR (v:TrailgraphRelVersion) ON (v.seq)', params: {} },
    { cypher: 'CREATE INDEX tg_ledger_committed IF NOT EXISTS FOR (l:TrailgraphLedgerEntry) ON (l.committedAt)', params: {} },
  ];
}
