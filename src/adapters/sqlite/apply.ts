/**
 * The hot path: change sets → graph rows + ledger rows + checkpoint, in one IMMEDIATE transaction.
 * Every statement is prepared once per store (StoreContext.stmt). The AppliedChanges record what really changed:
 * an upsert that changes nothing is not reported and leaves the node's provenance alone.
 */
import { fenceRefusal, type Fence } from '../../core/claims/rules.ts';
import { StaleClaimError } from '../../core/errors.ts';
import { idempotencyKey, redelivery } from '../../core/events/idempotency.ts';
import type { AddRelationshipOp, AppliedChange, ChangeSet, DeleteNodeOp, NodeRef, RetractRelationshipOp, UpsertNodeOp } from '../../core/projection/change-set.ts';
import { createdProps, diffUpsert, refine, type StoredNode } from '../../core/projection/node-diff.ts';
import type { AppliedEvent, ApplyOptions, LedgerEntry } from '../../ports/graph-store.ts';
import { labelsFor, writeTx, type StoreContext } from './context.ts';
import { recordHistory } from './history.ts';
import { LedgerWriter, nextSeq } from './ledger.ts';
import { ANY_CLASS } from '../../core/projection/planner.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Prov {
  readonly eventId: string;
  readonly source: string;
  readonly time: string;
  readonly seq: number;
}

/** A node as stored now: `labels` / `props` stay JSON text until something needs them parsed. */
interface NodeState {
  class: string;
  labels: string | readonly string[];
  props: string | Record<string, unknown>;
}

/**
 * What one applyBatch knows without asking SQLite again: the state of every node it has read or written (null =
 * known absent), the nodes it created (they had no relationships before this batch), and the relationship
 * (type, from) pairs it added. (Reading all of a batch's nodes up front in one `json_each` statement was measured:
 * no gain over the point reads it replaces, so nodes are read on first use.)
 */
interface BatchState {
  readonly nodes: Map<string, NodeState | null>;
  readonly created: Set<string>;
  readonly relsFrom: Set<string>;
}

/** Applies a batch atomically; notifies commit listeners after the commit. */
export function applyBatch(ctx: StoreContext, changeSets: readonly ChangeSet[], options?: ApplyOptions): AppliedEvent[] {
  const entries: LedgerEntry[] = [];
  const results = writeTx(ctx, () => {
    const out = changeSets.length > 0 ? applyAll(ctx, changeSets, entries) : [];
    if (options?.checkpoint) {
      ctx
        .stmt('INSERT INTO checkpoints (name, position) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position')
        .run(options.checkpoint.name, options.checkpoint.position);
    }
    return out;
  });
  if (entries.length) ctx.notify(entries);
  return results;
}

function applyAll(ctx: StoreContext, changeSets: readonly ChangeSet[], entries: LedgerEntry[]): AppliedEvent[] {
  const out: AppliedEvent[] = [];
  let seq = nextSeq(ctx);
  const seen = knownEvents(ctx, changeSets);
  const batchEvents = new Map<string, ChangeSet>();
  const batch: BatchState = { nodes: new Map(), created: new Set(), relsFrom: new Set() };
  const ledger = new LedgerWriter(ctx);
  for (const cs of changeSets) {
    const key = idempotencyKey(cs.source, cs.eventId);
    const existing = seen.get(key);
    if (existing !== undefined) {
      const stored = batchEvents.get(key)?.event ?? (existing.event === null ? undefined : (JSON.parse(existing.event) as Record<string, unknown>));
      const conflict = redelivery(stored, cs.event) === 'conflict';
      out.push({ eventId: cs.eventId, seq: existing.seq, duplicate: true, ...(conflict && { conflict }), changes: [] });
      continue;
    }
    if (cs.fence) checkFence(ctx, cs.eventId, cs.fence);
    const prov: Prov = { eventId: cs.eventId, source: cs.source, time: cs.time, seq };
    const changes = applyOps(ctx, cs, prov, batch);
    recordHistory(ctx, seq, changes);
    // Built once, as the committed entry (no spreads: this runs for every event of the hot path). `event` reads
    // through: a change set from the prepare worker parses its event only when asked (prepare-wire.ts).
    const entry: Mutable<LedgerEntry> = {
      seq,
      kind: 'event',
      eventId: cs.eventId,
      type: cs.type,
      source: cs.source,
      time: cs.time,
      committedAt: ledger.committedAt,
      changes,
      get event() {
        return cs.event;
      },
    };
    if (cs.subject !== undefined) entry.subject = cs.subject;
    if (cs.traceparent !== undefined) entry.traceparent = cs.traceparent;
    if (cs.correlationid !== undefined) entry.correlationid = cs.correlationid;
    if (cs.causationid !== undefined) entry.causationid = cs.causationid;
    ledger.add(entry, cs.eventJson ?? JSON.stringify(cs.event));
    entries.push(entry);
    seen.set(key, { seq, event: null });
    batchEvents.set(key, cs);
    out.push({ eventId: cs.eventId, seq, duplicate: false, changes });
    seq++;
  }
  ledger.flush();
  return out;
}

/** Refuses a fenced event whose claim was granted to someone else since (core's fencing rule); the write lock is held. */
function checkFence(ctx: StoreContext, eventId: string, fence: Fence): void {
  const last = ctx.stmt('SELECT last_token FROM claim_tokens WHERE node_id = ? AND purpose = ?').pluck().get(fence.on, fence.purpose) as number | undefined;
  const refusal = fenceRefusal(fence, last ?? 0);
  if (refusal !== undefined) throw new StaleClaimError(eventId, refusal);
}

/**
 * The batch's idempotency keys already in the ledger, with their seq and stored event (to tell a retry from a
 * reused id): one statement for the whole batch, probing the (event_id, source) index.
 */
function knownEvents(ctx: StoreContext, changeSets: readonly ChangeSet[]): Map<string, { seq: number; event: string | null }> {
  const keys = JSON.stringify(changeSets.map((cs) => [cs.eventId, cs.source]));
  const rows = ctx
    .stmt(`SELECT l.event_id, l.source, l.seq, l.event FROM (SELECT value ->> '$[0]' AS id, value ->> '$[1]' AS source FROM json_each(?)) k
           JOIN ledger l ON l.event_id = k.id AND l.source = k.source`)
    .raw()
    .all(keys) as [string, string, number, string | null][];
  return new Map(rows.map(([id, source, seq, event]) => [idempotencyKey(source, id), { seq, event }]));
}

function applyOps(ctx: StoreContext, cs: ChangeSet, prov: Prov, batch: BatchState): AppliedChange[] {
  const changes: AppliedChange[] = [];
  for (const op of cs.ops) {
    switch (op.op) {
      case 'upsertNode':
        upsertNode(ctx, op, prov, changes, batch);
        break;
      case 'addRelationship':
        addRelationship(ctx, op, prov, changes, batch);
        break;
      case 'retractRelationship':
        retractRelationship(ctx, op, changes, batch);
        break;
      case 'deleteNode':
        deleteNode(ctx, op, changes, batch);
        break;
    }
  }
  return changes;
}

/** The node's state: from the batch when it knows it, else read (and remembered). */
function readNode(ctx: StoreContext, id: string, batch: BatchState): NodeState | undefined {
  const known = batch.nodes.get(id);
  if (known !== undefined) return known ?? undefined;
  const row = ctx.stmt('SELECT class, labels, props FROM nodes WHERE id = ?').get(id) as NodeState | undefined;
  batch.nodes.set(id, row ?? null);
  return row;
}

function labelList(labels: string | readonly string[]): readonly string[] {
  return typeof labels === 'string' ? (JSON.parse(labels) as string[]) : labels;
}

function insertNode(ctx: StoreContext, ref: NodeRef, labels: readonly string[], props: Record<string, unknown>, prov: Prov, batch: BatchState): void {
  batch.nodes.set(ref.id, { class: ref.class, labels, props });
  batch.created.add(ref.id);
  ctx
    .stmt('INSERT INTO nodes (id, class, labels, props, event_id, source, time, seq, created_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(ref.id, ref.class, JSON.stringify(labels), JSON.stringify(props), prov.eventId, prov.source, prov.time, prov.seq, prov.seq);
  ctx.search.created(ref.id, props);
  const lab = ctx.stmt('INSERT OR IGNORE INTO node_labels (label, id) VALUES (?, ?)');
  for (const l of labels) lab.run(l, ref.id);
}

function upsertNode(ctx: StoreContext, op: UpsertNodeOp, prov: Prov, changes: AppliedChange[], batch: BatchState): void {
  const state = readNode(ctx, op.node.id, batch);
  if (!state) {
    const props = createdProps(op);
    insertNode(ctx, op.node, op.labels, props, prov, batch);
    changes.push({ kind: 'node', change: 'created', id: op.node.id, class: op.node.class, properties: Object.keys(props) });
    return;
  }
  const stored = storedNode(state);
  const u = diffUpsert(prov.eventId, op, stored);
  if (!u) return;
  const cls = u.labels ? op.node.class : state.class;
  const labels = u.labels ?? state.labels;
  ctx
    .stmt('UPDATE nodes SET class = ?, labels = ?, props = ?, event_id = ?, source = ?, time = ?, seq = ? WHERE id = ?')
    .run(cls, typeof labels === 'string' ? labels : JSON.stringify(labels), JSON.stringify(u.props), prov.eventId, prov.source, prov.time, prov.seq, op.node.id);
  batch.nodes.set(op.node.id, { class: cls, labels, props: u.props });
  ctx.search.updated(op.node.id, u.props, stored.props);
  if (u.labels) {
    const lab = ctx.stmt('INSERT OR IGNORE INTO node_labels (label, id) VALUES (?, ?)');
    for (const l of u.labels) lab.run(l, op.node.id);
  }
  changes.push({
    kind: 'node',
    change: 'updated',
    id: op.node.id,
    class: cls,
    ...(u.changed.length > 0 && { properties: u.changed }),
    ...(u.retracted.length > 0 && { retracted: u.retracted }),
  });
}

/** The node in the shape core's rules read (props parsed; the batch's copy is never mutated: diffUpsert copies). */
function storedNode(state: NodeState): StoredNode {
  return {
    class: state.class,
    labels: labelList(state.labels),
    props: typeof state.props === 'string' ? (JSON.parse(state.props) as Record<string, unknown>) : state.props,
  };
}

/** Makes sure a referenced node exists (bare, of the referenced class); returns it with its stored class. */
function ensureNode(ctx: StoreContext, ref: NodeRef, pointer: string, prov: Prov, changes: AppliedChange[], batch: BatchState): NodeRef {
  const state = readNode(ctx, ref.id, batch);
  // Same class as stored: nothing to check or change (the common case: an endpoint upserted just before).
  if (state && state.class === ref.class) return ref;
  const labels = labelsFor(ctx, ref.class);
  if (!state) {
    insertNode(ctx, ref, labels, {}, prov, batch);
    changes.push({ kind: 'node', change: 'created', id: ref.id, class: ref.class });
    return ref;
  }
  const newLabels = refine(prov.eventId, pointer, ref.id, { class: state.class, labels: labelList(state.labels), props: {} }, ref.class, labels);
  if (!newLabels) return { id: ref.id, class: state.class };
  ctx
    .stmt('UPDATE nodes SET class = ?, labels = ?, event_id = ?, source = ?, time = ?, seq = ? WHERE id = ?')
    .run(ref.class, JSON.stringify(newLabels), prov.eventId, prov.source, prov.time, prov.seq, ref.id);
  batch.nodes.set(ref.id, { class: ref.class, labels: newLabels, props: state.props });
  const lab = ctx.stmt('INSERT OR IGNORE INTO node_labels (label, id) VALUES (?, ?)');
  for (const l of newLabels) lab.run(l, ref.id);
  changes.push({ kind: 'node', change: 'updated', id: ref.id, class: ref.class });
  return ref;
}

function classOf(ctx: StoreContext, id: string, batch: BatchState): string {
  return readNode(ctx, id, batch)?.class ?? ANY_CLASS;
}

function addRelationship(ctx: StoreContext, op: AddRelationshipOp, prov: Prov, changes: AppliedChange[], batch: BatchState): void {
  const from = ensureNode(ctx, op.from, op.pointer, prov, changes, batch);
  const to = ensureNode(ctx, op.to, op.pointer, prov, changes, batch);
  const key = `${op.type}\u0000${from.id}`;
  // A node created in this batch has only the relationships this batch added: no probe needed without one.
  const fresh = batch.created.has(from.id) && !batch.relsFrom.has(key);
  batch.relsFrom.add(key);
  if (op.functional && !fresh) {
    const targets = ctx.stmt('SELECT to_id FROM rels WHERE type = ? AND from_id = ?').pluck().all(op.type, from.id) as string[];
    let present = false;
    for (const t of targets) {
      if (t === to.id) {
        present = true;
        continue;
      }
      ctx.stmt('DELETE FROM rels WHERE type = ? AND from_id = ? AND to_id = ?').run(op.type, from.id, t);
      changes.push({ kind: 'relationship', change: 'retracted', type: op.type, from, to: { id: t, class: classOf(ctx, t, batch) } });
    }
    if (present) return;
  }
  const res = ctx
    .stmt('INSERT OR IGNORE INTO rels (type, from_id, to_id, event_id, source, time, seq, created_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(op.type, from.id, to.id, prov.eventId, prov.source, prov.time, prov.seq, prov.seq);
  if (res.changes > 0) changes.push({ kind: 'relationship', change: 'created', type: op.type, from, to });
}

function retractRelationship(ctx: StoreContext, op: RetractRelationshipOp, changes: AppliedChange[], batch: BatchState): void {
  const targets = op.to
    ? (ctx.stmt('SELECT to_id FROM rels WHERE type = ? AND from_id = ? AND to_id = ?').pluck().all(op.type, op.from.id, op.to.id) as string[])
    : (ctx.stmt('SELECT to_id FROM rels WHERE type = ? AND from_id = ?').pluck().all(op.type, op.from.id) as string[]);
  if (targets.length === 0) return;
  const from = { id: op.from.id, class: classOf(ctx, op.from.id, batch) };
  for (const t of targets) {
    ctx.stmt('DELETE FROM rels WHERE type = ? AND from_id = ? AND to_id = ?').run(op.type, from.id, t);
    changes.push({ kind: 'relationship', change: 'retracted', type: op.type, from, to: { id: t, class: classOf(ctx, t, batch) } });
  }
}

function deleteNode(ctx: StoreContext, op: DeleteNodeOp, changes: AppliedChange[], batch: BatchState): void {
  const state = readNode(ctx, op.node.id, batch);
  if (!state) return;
  const self = { id: op.node.id, class: state.class };
  const out = ctx.stmt('SELECT type, to_id AS other FROM rels WHERE from_id = ?').all(self.id) as { type: string; other: string }[];
  const inc = ctx.stmt('SELECT type, from_id AS other FROM rels WHERE to_id = ?').all(self.id) as { type: string; other: string }[];
  for (const r of out) changes.push({ kind: 'relationship', change: 'retracted', type: r.type, from: self, to: { id: r.other, class: classOf(ctx, r.other, batch) } });
  for (const r of inc) {
    if (r.other === self.id) continue;
    changes.push({ kind: 'relationship', change: 'retracted', type: r.type, from: { id: r.other, class: classOf(ctx, r.other, batch) }, to: self });
  }
  ctx.stmt('DELETE FROM rels WHERE from_id = ?').run(self.id);
  ctx.stmt('DELETE FROM rels WHERE to_id = ?').run(self.id);
  const marks = ctx.stmt('SELECT id, kind, agent FROM marks WHERE node_id = ?').all(self.id) as { id: string; kind: string; agent: string }[];
  for (const m of marks) changes.push({ kind: 'mark', change: 'removed', markId: m.id, on: self, markKind: m.kind, strength: 0, agent: m.agent });
  ctx.stmt('DELETE FROM marks WHERE node_id = ?').run(self.id);
  const unlabel = ctx.stmt('DELETE FROM node_labels WHERE label = ? AND id = ?');
  for (const l of labelList(state.labels)) unlabel.run(l, self.id);
  ctx.stmt('DELETE FROM nodes WHERE id = ?').run(self.id);
  ctx.search.deleted(self.id);
  batch.nodes.set(self.id, null);
  batch.created.delete(self.id);
  changes.push({ kind: 'node', change: 'deleted', id: self.id, class: state.class });
}
