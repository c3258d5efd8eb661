/**
 * applyBatch on Neo4j: one managed write transaction that locks the head node first, skips event ids already in
 * the ledger, applies each change set's ops in order, writes the ledger rows, moves the head and commits the
 * checkpoint. A ProjectionConflictError thrown midway rolls everything back. Ops are decided against a view read
 * with the head lock in one statement and written as one statement of UNWIND subqueries (batch-state.ts,
 * cypher/sequence.ts): two round trips and the commit, whatever the batch's size. A batch that deletes nodes goes
 * op by op, one round trip each.
 */
import { fenceRefusal, type Fence } from '../../core/claims/rules.ts';
import { ConfigError, StaleClaimError } from '../../core/errors.ts';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import { labelsOf } from '../../core/ontology/model.ts';
import type { AddRelationshipOp, AppliedChange, ChangeOp, ChangeSet, NodeRef, RetractRelationshipOp, UpsertNodeOp } from '../../core/projection/change-set.ts';
import type { AppliedEvent, ApplyOptions, LedgerEntry } from '../../ports/graph-store.ts';
import * as c from './cypher/apply.ts';
import * as u from './cypher/apply-unwind.ts';
import * as cl from './cypher/claims.ts';
import { BatchGraph } from './batch-state.ts';
import { inSequence } from './cypher/sequence.ts';
import { HistoryRecorder, type NodeState } from './history.ts';
import type { Executor, Tx } from './executor.ts';
import { createdProps, diffUpsert, refine, type StoredNode } from '../../core/projection/node-diff.ts';
import { touchedIds } from '../../core/store/ledger.ts';
import { changeNodeColumns } from '../../core/auth/ledger-view.ts';
import { idempotencyKey, redelivery } from '../../core/events/idempotency.ts';

/** A ledger entry → the stored row (nulls dropped: Neo4j stores no null properties). */
export function ledgerRow(entry: LedgerEntry): c.LedgerRowParams {
  return { props: { ...eventLedgerProps(entry), kind: entry.kind, eventId: entry.eventId, source: entry.source, time: entry.time }, touched: touchedIds(entry.changes) };
}

/** An applied change set's entry → the stored properties less what writeEventLedger takes from the batch. */
function eventLedgerProps(entry: LedgerEntry): Record<string, string | number | readonly string[]> {
  const nodes = changeNodeColumns(entry.changes);
  const props: Record<string, string | number | readonly string[]> = {
    seq: entry.seq, type: entry.type, committedAt: entry.committedAt, changes: JSON.stringify(entry.changes), changeFirstIds: nodes.first, changeSecondIds: nodes.second,
  };
  for (const k of ['subject', 'traceparent', 'correlationid', 'causationid'] as const) if (entry[k] !== undefined) props[k] = entry[k];
  if (entry.event) props.event = JSON.stringify(entry.event);
  return props;
}

async function readStored(tx: Tx, id: string): Promise<StoredNode | undefined> {
  const [row] = await tx.run(c.readNode(id));
  return row ? { class: String(row.class), labels: row.labels as string[], props: row.props as Record<string, unknown> } : undefined;
}

async function ensureNode(o: CompiledOntology, tx: Tx, ref: NodeRef, pointer: string, prov: c.ProvParams, changes: AppliedChange[]): Promise<NodeRef> {
  const stored = await readStored(tx, ref.id);
  const labels = labelsOf(o, ref.class);
  if (!stored) {
    await tx.run(c.createNode(o, ref.id, ref.class, labels, {}, prov));
    changes.push({ kind: 'node', change: 'created', id: ref.id, class: ref.class });
    return ref;
  }
  const newLabels = refine(prov.eventId, pointer, ref.id, stored, ref.class, labels);
  if (!newLabels) return { id: ref.id, class: stored.class };
  await tx.run(c.updateNode(o, ref.id, ref.class, newLabels, {}, [], prov));
  changes.push({ kind: 'node', change: 'updated', id: ref.id, class: ref.class });
  return ref;
}

async function applyOp(o: CompiledOntology, tx: Tx, op: ChangeOp, prov: c.ProvParams, changes: AppliedChange[]): Promise<void> {
  switch (op.op) {
    case 'upsertNode': {
      const stored = await readStored(tx, op.node.id);
      if (!stored) {
        const props = createdProps(op);
        await tx.run(c.createNode(o, op.node.id, op.node.class, op.labels, props, prov));
        changes.push({ kind: 'node', change: 'created', id: op.node.id, class: op.node.class, properties: Object.keys(props) });
        return;
      }
      const u = diffUpsert(prov.eventId, op, stored);
      if (!u) return;
      const cls = u.labels ? op.node.class : stored.class;
      await tx.run(c.updateNode(o, op.node.id, cls, u.labels, u.write, u.retracted, prov));
      changes.push({ kind: 'node', change: 'updated', id: op.node.id, class: cls, ...(u.changed.length > 0 && { properties: u.changed }), ...(u.retracted.length > 0 && { retracted: u.retracted }) });
      return;
    }
    case 'addRelationship': {
      const from = await ensureNode(o, tx, op.from, op.pointer, prov, changes);
      const to = await ensureNode(o, tx, op.to, op.pointer, prov, changes);
      if (op.functional) {
        const targets = await tx.run(c.readTargets(o, op.type, from.id));
        const others = targets.filter((t) => t.id !== to.id);
        if (others.length) {
          await tx.run(c.deleteRelationships(o, op.type, from.id, others.map((t) => String(t.id))));
          for (const t of others) changes.push({ kind: 'relationship', change: 'retracted', type: op.type, from, to: { id: String(t.id), class: String(t.class) } });
        }
        if (others.length < targets.length) return;
      }
      const [row] = await tx.run(c.mergeRelationship(o, op.type, from.id, to.id, prov));
      if (row?.created === true) changes.push({ kind: 'relationship', change: 'created', type: op.type, from, to });
      return;
    }
    case 'retractRelationship': {
      const rows = await tx.run(c.deleteRelationships(o, op.type, op.from.id, op.to ? [op.to.id] : null));
      for (const r of rows) {
        changes.push({ kind: 'relationship', change: 'retracted', type: op.type, from: { id: op.from.id, class: String(r.fromClass) }, to: { id: String(r.toId), class: String(r.toClass) } });
      }
      return;
    }
    case 'deleteNode': {
      const [row] = await tx.run(c.readNodeForDelete(op.node.id));
      if (!row) return;
      const self = { id: op.node.id, class: String(row.class) };
      for (const r of row.outgoing as { type: string; id: string; class: string }[]) changes.push({ kind: 'relationship', change: 'retracted', type: r.type, from: self, to: { id: r.id, class: r.class } });
      for (const r of row.incoming as { type: string; id: string; class: string }[]) changes.push({ kind: 'relationship', change: 'retracted', type: r.type, from: { id: r.id, class: r.class }, to: self });
      for (const m of row.marks as { id: string; kind: string; agent: string }[]) changes.push({ kind: 'mark', change: 'removed', markId: m.id, on: self, markKind: m.kind, strength: 0, agent: m.agent });
      await tx.run(c.deleteNode(op.node.id));
      changes.push({ kind: 'node', change: 'deleted', id: self.id, class: self.class });
      return;
    }
  }
}

/** The versions change set `prov.seq` made: node states from the batch's view, or read back on the op-by-op path. */
async function recordHistory(o: CompiledOntology | undefined, tx: Tx, graph: BatchGraph | undefined, history: HistoryRecorder, changes: readonly AppliedChange[], prov: c.ProvParams): Promise<void> {
  const { ids, created, born } = HistoryRecorder.touchedNodes(changes);
  for (const id of ids) {
    let state: NodeState | null;
    if (graph) state = graph.stateOf(id);
    else {
      const stored = await readStored(tx, id);
      state = stored ? { class: stored.class, labels: o ? labelsOf(o, stored.class) : stored.labels, props: stored.props } : null;
    }
    if (state && o) state = { ...state, labels: labelsOf(o, state.class) };
    history.node(id, state, created.has(id), born.has(id), prov);
  }
  history.relationships(changes, prov);
}

/** Refuses a fenced event whose claim was granted to someone else since (core's fencing rule); the head lock is held. */
async function checkFence(tx: Tx, eventId: string, fence: Fence): Promise<void> {
  const [row] = await tx.run(cl.lastToken(fence.on, fence.purpose));
  const refusal = fenceRefusal(fence, Number(row?.token ?? 0));
  if (refusal !== undefined) throw new StaleClaimError(eventId, refusal);
}

type Seen = Map<string, { seq: number; event: Readonly<Record<string, unknown>> | undefined }>;

/**
 * The batch's first statement (apply-unwind.ts openBatch): the head lock, the keys already in the ledger, and —
 * for a batch the set-based path takes (no node deletes: a delete takes every relationship of its node with it,
 * which the view does not hold) — what its ops need read, as a BatchGraph.
 */
async function openBatch(o: CompiledOntology | undefined, tx: Tx, changeSets: readonly ChangeSet[]): Promise<{ head: number; seen: Seen; graph: BatchGraph | undefined }> {
  const setBased = o !== undefined && !changeSets.some((cs) => cs.ops.some((op) => op.op === 'deleteNode'));
  const needs = setBased ? BatchGraph.needs(changeSets.flatMap((cs) => cs.ops as readonly (UpsertNodeOp | AddRelationshipOp | RetractRelationshipOp)[])) : undefined;
  const [row] = await tx.run(
    u.openBatch(o, {
      keys: changeSets.map((cs) => ({ eventId: cs.eventId, source: cs.source })),
      ids: needs ? [...needs.ids] : [],
      pairs: needs ? [...needs.pairs.values()] : [],
      probes: needs ? [...needs.probes.values()] : [],
    }),
  );
  // Keys already in the ledger (or earlier in this batch) with the event that holds them: a retry is a duplicate,
  // a reused id with other content a conflict (core's rule).
  const seen: Seen = new Map();
  for (const r of (row?.duplicates ?? []) as Record<string, unknown>[]) {
    seen.set(idempotencyKey(String(r.source), String(r.eventId)), { seq: Number(r.seq), event: typeof r.event === 'string' ? (JSON.parse(r.event) as Record<string, unknown>) : undefined });
  }
  let graph: BatchGraph | undefined;
  if (o && needs) {
    const read = new Map<string, StoredNode>();
    for (const r of (row?.nodes ?? []) as Record<string, unknown>[]) read.set(String(r.id), { class: String(r.class), labels: r.labels as string[], props: r.props as Record<string, unknown> });
    const targets = ((row?.targets ?? []) as Record<string, unknown>[]).map((r) => ({ type: String(r.type), from: String(r.from), to: String(r.to), toClass: String(r.toClass) }));
    graph = new BatchGraph(o, read, needs.ids, needs.pairs.values(), targets);
  }
  return { head: Number(row?.head ?? 0), seen, graph };
}

/**
 * `o` may be undefined only for a batch without ops (duplicates, or none: `applyBatch([], { checkpoint })` commits
 * the checkpoint alone).
 */
export async function applyBatch(o: CompiledOntology | undefined, exec: Executor, changeSets: readonly ChangeSet[], options?: ApplyOptions): Promise<{ results: AppliedEvent[]; entries: LedgerEntry[] }> {
  return exec.write(async (tx) => {
    // The driver may rerun this function on a transient error: start from scratch each time.
    const entries: LedgerEntry[] = [];
    const results: AppliedEvent[] = [];
    const { head, seen, graph } = await openBatch(o, tx, changeSets);
    let seq = head + 1;
    const prov = { first: seq, eventIds: [] as string[], sources: [] as string[], times: [] as string[] };
    const history = new HistoryRecorder();
    for (const cs of changeSets) {
      const key = idempotencyKey(cs.source, cs.eventId);
      const dup = seen.get(key);
      if (dup !== undefined) {
        const conflict = redelivery(dup.event, cs.event) === 'conflict';
        results.push({ eventId: cs.eventId, seq: dup.seq, duplicate: true, ...(conflict && { conflict }), changes: [] });
        continue;
      }
      if (cs.fence) await checkFence(tx, cs.eventId, cs.fence);
      const event = { eventId: cs.eventId, source: cs.source, time: cs.time, seq };
      prov.eventIds.push(cs.eventId);
      prov.sources.push(cs.source);
      prov.times.push(cs.time);
      const changes: AppliedChange[] = [];
      for (const op of cs.ops) {
        if (!o) throw new ConfigError('ontology', 'the Neo4j store has no ontology: call init(ontology) first');
        if (!graph) await applyOp(o, tx, op, event, changes);
        else if (op.op === 'upsertNode') graph.upsert(op, event, changes);
        else if (op.op === 'addRelationship') graph.addRelationship(op, event, changes);
        else if (op.op === 'retractRelationship') graph.retractRelationship(op, changes);
      }
      await recordHistory(o, tx, graph, history, changes, event);
      entries.push({
        seq, kind: 'event', eventId: cs.eventId, type: cs.type, source: cs.source, time: cs.time, committedAt: new Date().toISOString(),
        ...(cs.subject !== undefined && { subject: cs.subject }),
        ...(cs.traceparent !== undefined && { traceparent: cs.traceparent }),
        ...(cs.correlationid !== undefined && { correlationid: cs.correlationid }),
        ...(cs.causationid !== undefined && { causationid: cs.causationid }),
        changes,
        event: cs.event,
      });
      results.push({ eventId: cs.eventId, seq, duplicate: false, changes });
      seen.set(key, { seq, event: cs.event });
      seq++;
    }
    // Every write of the batch in one statement (cypher/sequence.ts): the net graph changes first, then what
    // records them.
    const writes = inSequence([
      ...(graph ? graph.writes(prov) : []),
      ...history.statements(prov),
      ...(entries.length > 0 ? [c.writeEventLedger(entries.map(eventLedgerProps), prov), c.setHead(seq - 1)] : []),
      ...(options?.checkpoint ? [c.setCheckpoint(options.checkpoint.name, options.checkpoint.position)] : []),
    ]);
    if (writes) await tx.run(writes);
    return { results, entries };
  });
}
