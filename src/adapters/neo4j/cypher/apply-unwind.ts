/**
 * Set-based Cypher for applying a batch: one statement that locks the head node and reads everything the batch
 * decides from (its nodes, the current targets of every (type, from) pair it relates, the ledger entries holding
 * its event keys), then one `UNWIND` write per kind of change (and per label set or relationship type, which
 * Cypher 5 cannot take as parameters), all sent as one statement (sequence.ts). What to write is decided in JS
 * from what the read returned (batch-state.ts, by core's rules); these statements only carry it out. The head
 * lock is held from the read to the commit, so nothing changes between the reads and the writes.
 */
import type { CompiledOntology } from '../../../core/ontology/model.ts';
import { labelExpr, relType } from './names.ts';
import { provenanceOf, provenanceParams, type BatchProvenance } from './provenance.ts';
import type { Statement } from './statement.ts';

/** `rows` grouped by relationship type, types in code-point order (the statement text is stable). */
function byType<T extends { readonly type: string }>(rows: readonly T[]): [string, T[]][] {
  const m = new Map<string, T[]>();
  for (const r of rows) m.set(r.type, [...(m.get(r.type) ?? []), r]);
  return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** What a batch reads before it decides anything: BatchGraph.needs plus the events' idempotency keys. */
export interface BatchReads {
  readonly keys: readonly { readonly eventId: string; readonly source: string }[];
  readonly ids: readonly string[];
  readonly pairs: readonly { readonly type: string; readonly from: string }[];
  readonly probes: readonly { readonly type: string; readonly from: string; readonly to: string }[];
}

/**
 * A batch's first statement, one row: `head` (the last seq, after locking the head node as apply.lockHead does),
 * `duplicates` (ledger entries already holding one of `keys`), `nodes` (class, labels and properties of each
 * existing node of `ids`), `targets` (every current target of each pair, and which probed relationships exist,
 * with the target's class). Each read is a subquery taking `head` in: it runs for the one row the locking MERGE
 * produced, after it. The type is in each relationship pattern (one subquery per type): the planner then expands
 * only that type's relationships of a node, where a `type(r) = p.type` filter would walk all of them (a hub's
 * whole fan-out for one functional pair).
 */
export function openBatch(ontology: CompiledOntology | undefined, reads: BatchReads): Statement {
  const typed = (type: string): string => {
    if (!ontology) throw new RangeError(`reading "${type}" relationships needs the ontology: call init(ontology) first`);
    return relType(ontology, type);
  };
  const pairs = byType(reads.pairs);
  const probes = byType(reads.probes);
  const lists = [...pairs.map((_, i) => `t${i}`), ...probes.map((_, i) => `p${i}`)];
  return {
    cypher: [
      "MERGE (h:TrailgraphMeta {key: 'head'}) ON CREATE SET h.seq = 0 SET h._lock = true WITH h.seq AS head",
      'CALL (head) { UNWIND range(0, size($eventIds) - 1) AS i MATCH (l:TrailgraphLedgerEntry {eventId: $eventIds[i], source: $sources[i]}) ' +
        'RETURN collect({eventId: l.eventId, source: l.source, seq: l.seq, event: l.event}) AS duplicates }',
      'CALL (head) { UNWIND $ids AS id MATCH (n:TrailgraphNode {id: id}) RETURN collect({id: id, class: n._class, labels: labels(n), props: properties(n)}) AS nodes }',
      ...pairs.map(
        ([type], i) =>
          `CALL (head) { UNWIND $from${i} AS f MATCH (a:TrailgraphNode {id: f})-[r:${typed(type)}]->(b:TrailgraphNode) ` +
          `RETURN collect({type: type(r), from: f, to: b.id, toClass: b._class}) AS t${i} }`,
      ),
      ...probes.map(
        ([type], i) =>
          `CALL (head) { UNWIND $rels${i} AS x MATCH (a:TrailgraphNode {id: x.from})-[r:${typed(type)}]->(b:TrailgraphNode {id: x.to}) ` +
          `RETURN collect({type: type(r), from: x.from, to: b.id, toClass: b._class}) AS p${i} }`,
      ),
      `RETURN head, duplicates, nodes, ${lists.length > 0 ? lists.join(' + ') : '[]'} AS targets`,
    ].join(' '),
    params: {
      // Two lists rather than a list of maps: half the values for the driver to pack and the server to unpack.
      eventIds: reads.keys.map((k) => k.eventId),
      sources: reads.keys.map((k) => k.source),
      ids: reads.ids,
      ...Object.fromEntries(pairs.map(([, rows], i) => [`from${i}`, rows.map((p) => p.from)])),
      ...Object.fromEntries(probes.map(([, rows], i) => [`rels${i}`, rows.map((x) => ({ from: x.from, to: x.to }))])),
    },
  };
}

/**
 * A node row: id, ontology properties (values already typed by propsParam; null retracts), its class and the seq of
 * the change set that last changed it (its event id, source and time come from the batch's provenance), and, for a
 * created node, the seq that created it when an earlier change set of the batch did.
 */
export interface NodeRow {
  readonly id: string;
  readonly props: Readonly<Record<string, unknown>>;
  readonly class: string;
  readonly seq: number;
  readonly createdSeq?: number;
}

/** The bookkeeping every written node or relationship carries, from the row's seq. */
function provenanceSet(v: string, seq: string): string {
  const p = provenanceOf(seq);
  return `${v}._eventId = ${p.eventId}, ${v}._source = ${p.source}, ${v}._time = ${p.time}, ${v}._seq = ${seq}`;
}

/** Creates nodes that all carry `labels`. */
export function createNodes(ontology: CompiledOntology, labels: readonly string[], rows: readonly NodeRow[], prov: BatchProvenance): Statement {
  return {
    cypher:
      `UNWIND $rows AS row CREATE (n${labelExpr(ontology, labels)} {id: row.id}) SET n += row.props, n._class = row.class, ` +
      `${provenanceSet('n', 'row.seq')}, n._createdSeq = coalesce(row.createdSeq, row.seq)`,
    params: { rows, ...provenanceParams(prov) },
  };
}

/** Updates existing nodes to end with `labels` (labels only ever grow: a more specific class). */
export function updateNodes(ontology: CompiledOntology, labels: readonly string[], rows: readonly NodeRow[], prov: BatchProvenance): Statement {
  return {
    cypher:
      `UNWIND $rows AS row MATCH (n:TrailgraphNode {id: row.id}) SET n${labelExpr(ontology, labels)}, n += row.props, n._class = row.class, ` +
      provenanceSet('n', 'row.seq'),
    params: { rows, ...provenanceParams(prov) },
  };
}

/** A relationship row: its endpoints. */
export interface RelRow {
  readonly from: string;
  readonly to: string;
}

/** A relationship to create: its endpoints and the seq of the change set that created it. */
export interface NewRelRow extends RelRow {
  readonly seq: number;
}

/** Creates `type` relationships (known absent: the batch deleted any it replaces first). */
export function createRelationships(ontology: CompiledOntology, type: string, rows: readonly NewRelRow[], prov: BatchProvenance): Statement {
  return {
    cypher:
      'UNWIND $rows AS row MATCH (a:TrailgraphNode {id: row.from}) WITH a, row MATCH (b:TrailgraphNode {id: row.to}) ' +
      `CREATE (a)-[r:${relType(ontology, type)}]->(b) SET ${provenanceSet('r', 'row.seq')}, r._createdSeq = row.seq`,
    params: { rows, ...provenanceParams(prov) },
  };
}

/** Deletes `type` relationships. */
export function deleteRelationships(ontology: CompiledOntology, type: string, rows: readonly RelRow[]): Statement {
  return {
    cypher: `UNWIND $rows AS row MATCH (a:TrailgraphNode {id: row.from})-[r:${relType(ontology, type)}]->(b:TrailgraphNode {id: row.to}) DELETE r`,
    params: { rows: rows.map((r) => ({ from: r.from, to: r.to })) },
  };
}
