/**
 * A batch's view of the graph while its change sets are applied, for the set-based write path: the nodes the
 * batch touches and the current targets of each (type, from) pair it relates, read once; each op then decides
 * with core's rules (node-diff.ts) against this view, exactly as it would against the database mid-transaction,
 * records the AppliedChanges, and updates the view. At the end the view's net difference from what was read
 * becomes a few UNWIND statements (cypher/apply-unwind.ts). Batches that delete nodes take the per-op path
 * (apply-batch.ts): a delete takes every relationship of the node with it, which this view does not hold.
 */
import { labelsOf, type CompiledOntology } from '../../core/ontology/model.ts';
import type { AddRelationshipOp, AppliedChange, NodeRef, RetractRelationshipOp, Scalar, UpsertNodeOp } from '../../core/projection/change-set.ts';
import { compareIds } from '../../core/store/order.ts';
import { createdProps, diffUpsert, refine, type StoredNode } from '../../core/projection/node-diff.ts';
import type { ProvParams } from './cypher/apply.ts';
import { propsParam } from './cypher/apply.ts';
import * as u from './cypher/apply-unwind.ts';
import type { BatchProvenance } from './cypher/provenance.ts';
import { NODE_LABEL, type Statement } from './cypher/statement.ts';
import type { NodeState } from './history.ts';

interface NodeView {
  class: string;
  labels: readonly string[];
  /** Ontology properties only (no id, no bookkeeping). */
  props: Record<string, unknown>;
  /** Created by this batch (written whole at the end). */
  readonly created: boolean;
  /** Ontology keys written or retracted by this batch. */
  readonly dirty: Set<string>;
  /**
   * Bookkeeping to write when the batch changed the node: its class, the seq of the last change (the rest of the
   * provenance is the batch's, by seq) and, for a node the batch created, the seq that created it.
   */
  meta?: { class: string; seq: number; createdSeq?: number };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

const pairKey = (type: string, from: string): string => `${type}\u0000${from}`;
const relKey = (type: string, from: string, to: string): string => `${type}\u0000${from}\u0000${to}`;

/** Ontology properties of a node as read (`properties(n)` minus id and the `_` bookkeeping keys). */
function ontologyProps(all: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) if (k !== 'id' && !k.startsWith('_')) out[k] = v;
  return out;
}

export class BatchGraph {
  private readonly nodes = new Map<string, NodeView | null>();
  /** Current targets (id → class as read) of each (type, from) pair the batch relates. */
  private readonly targets = new Map<string, Map<string, string>>();
  /** Relationships that existed when read and were retracted since (deleted at the end). */
  private readonly retracted = new Set<string>();
  /** Relationships this batch created and still holds, with the seq that created them. */
  private readonly created = new Map<string, { type: string; from: string; to: string; seq: number }>();
  private readonly existedAtStart = new Set<string>();

  constructor(
    private readonly o: CompiledOntology,
    read: ReadonlyMap<string, StoredNode>,
    ids: Iterable<string>,
    pairs: Iterable<{ type: string; from: string }>,
    targets: readonly { type: string; from: string; to: string; toClass: string }[],
  ) {
    for (const id of ids) {
      const s = read.get(id);
      this.nodes.set(id, s ? { class: s.class, labels: s.labels, props: ontologyProps(s.props), created: false, dirty: new Set() } : null);
    }
    for (const p of pairs) this.targets.set(pairKey(p.type, p.from), new Map());
    for (const t of targets) {
      // A pair read only through probes holds just the probed targets: all a non-functional add looks at.
      const key = pairKey(t.type, t.from);
      if (!this.targets.has(key)) this.targets.set(key, new Map());
      this.targets.get(key)?.set(t.to, t.toClass);
      this.existedAtStart.add(relKey(t.type, t.from, t.to));
    }
  }

  /**
   * What a batch's ops need read up front: node ids; (type, from) pairs whose every target matters (a functional
   * add replaces them, a retraction removes them); and single relationships a non-functional add only needs to
   * know exist (reading all of a hub's targets for that would cost what the batch is there to save).
   */
  static needs(ops: Iterable<UpsertNodeOp | AddRelationshipOp | RetractRelationshipOp>): { ids: Set<string>; pairs: Map<string, { type: string; from: string }>; probes: Map<string, { type: string; from: string; to: string }> } {
    const ids = new Set<string>();
    const pairs = new Map<string, { type: string; from: string }>();
    const probes = new Map<string, { type: string; from: string; to: string }>();
    for (const op of ops) {
      if (op.op === 'upsertNode') ids.add(op.node.id);
      else {
        ids.add(op.from.id);
        if (op.op === 'addRelationship') ids.add(op.to.id);
        if (op.op === 'addRelationship' && !op.functional) probes.set(relKey(op.type, op.from.id, op.to.id), { type: op.type, from: op.from.id, to: op.to.id });
        else pairs.set(pairKey(op.type, op.from.id), { type: op.type, from: op.from.id });
      }
    }
    return { ids, pairs, probes };
  }

  private classOf(id: string, fallback: string): string {
    return this.nodes.get(id)?.class ?? fallback;
  }

  upsert(op: UpsertNodeOp, prov: ProvParams, changes: AppliedChange[]): void {
    const view = this.nodes.get(op.node.id);
    if (!view) {
      const props = createdProps(op);
      this.nodes.set(op.node.id, { class: op.node.class, labels: op.labels, props, created: true, dirty: new Set(Object.keys(props)), meta: { class: op.node.class, seq: prov.seq, createdSeq: prov.seq } });
      changes.push({ kind: 'node', change: 'created', id: op.node.id, class: op.node.class, properties: Object.keys(props) });
      return;
    }
    const d = diffUpsert(prov.eventId, op, view);
    if (!d) return;
    const cls = d.labels ? op.node.class : view.class;
    if (d.labels) view.labels = d.labels;
    view.class = cls;
    view.props = d.props;
    for (const k of [...d.changed, ...d.retracted, ...Object.keys(d.write)]) view.dirty.add(k);
    view.meta = { ...view.meta, class: cls, seq: prov.seq };
    changes.push({ kind: 'node', change: 'updated', id: op.node.id, class: cls, ...(d.changed.length > 0 && { properties: d.changed }), ...(d.retracted.length > 0 && { retracted: d.retracted }) });
  }

  /** A relationship endpoint: created bare when absent, refined when named with a more specific class. */
  private ensure(ref: NodeRef, pointer: string, prov: ProvParams, changes: AppliedChange[]): NodeRef {
    const view = this.nodes.get(ref.id);
    const labels = labelsOf(this.o, ref.class);
    if (!view) {
      this.nodes.set(ref.id, { class: ref.class, labels, props: {}, created: true, dirty: new Set(), meta: { class: ref.class, seq: prov.seq, createdSeq: prov.seq } });
      changes.push({ kind: 'node', change: 'created', id: ref.id, class: ref.class });
      return ref;
    }
    const newLabels = refine(prov.eventId, pointer, ref.id, view, ref.class, labels);
    if (!newLabels) return { id: ref.id, class: view.class };
    view.labels = newLabels;
    view.class = ref.class;
    view.meta = { ...view.meta, class: ref.class, seq: prov.seq };
    changes.push({ kind: 'node', change: 'updated', id: ref.id, class: ref.class });
    return ref;
  }

  private sortedTargets(type: string, from: string): [string, string][] {
    const t = this.targets.get(pairKey(type, from)) ?? new Map<string, string>();
    return [...t].sort((a, b) => compareIds(a[0], b[0]));
  }

  private drop(type: string, from: string, to: string): void {
    this.targets.get(pairKey(type, from))?.delete(to);
    const key = relKey(type, from, to);
    if (!this.created.delete(key) && this.existedAtStart.has(key)) this.retracted.add(key);
  }

  addRelationship(op: AddRelationshipOp, prov: ProvParams, changes: AppliedChange[]): void {
    const from = this.ensure(op.from, op.pointer, prov, changes);
    const to = this.ensure(op.to, op.pointer, prov, changes);
    const current = this.sortedTargets(op.type, from.id);
    if (op.functional) {
      const others = current.filter(([id]) => id !== to.id);
      for (const [id, cls] of others) {
        this.drop(op.type, from.id, id);
        changes.push({ kind: 'relationship', change: 'retracted', type: op.type, from, to: { id, class: this.classOf(id, cls) } });
      }
      if (others.length < current.length) return;
    } else if (current.some(([id]) => id === to.id)) return;
    const key = pairKey(op.type, from.id);
    if (!this.targets.has(key)) this.targets.set(key, new Map());
    this.targets.get(key)?.set(to.id, to.class);
    this.created.set(relKey(op.type, from.id, to.id), { type: op.type, from: from.id, to: to.id, seq: prov.seq });
    changes.push({ kind: 'relationship', change: 'created', type: op.type, from, to });
  }

  retractRelationship(op: RetractRelationshipOp, changes: AppliedChange[]): void {
    const fromView = this.nodes.get(op.from.id);
    if (!fromView) return;
    for (const [id, cls] of this.sortedTargets(op.type, op.from.id)) {
      if (op.to && op.to.id !== id) continue;
      this.drop(op.type, op.from.id, id);
      changes.push({ kind: 'relationship', change: 'retracted', type: op.type, from: { id: op.from.id, class: fromView.class }, to: { id, class: this.classOf(id, cls) } });
    }
  }

  /** A node's state in the view now (after the ops applied so far): what the history records for it. */
  stateOf(id: string): NodeState | null {
    const v = this.nodes.get(id);
    return v ? { class: v.class, labels: v.labels, props: v.props } : null;
  }

  /**
   * The net writes, in an order that keeps them independent: relationship deletes, node creates, node updates,
   * relationship creates. `prov`: the batch's applied change sets, which the rows' seqs point into.
   */
  writes(prov: BatchProvenance): Statement[] {
    const out: Statement[] = [];
    const byType = <T extends { type: string }>(rows: Iterable<T>): Map<string, T[]> => {
      const m = new Map<string, T[]>();
      for (const r of rows) push(m, r.type, r);
      return m;
    };
    const gone = [...this.retracted].map((k) => {
      const [type = '', from = '', to = ''] = k.split('\u0000');
      return { type, from, to };
    });
    for (const [type, rows] of byType(gone)) out.push(u.deleteRelationships(this.o, type, rows));
    const creates = new Map<string, u.NodeRow[]>();
    const updates = new Map<string, u.NodeRow[]>();
    for (const [id, v] of this.nodes) {
      if (!v?.meta) continue;
      const props: Record<string, Scalar | readonly Scalar[] | null> = {};
      for (const k of v.dirty) props[k] = (v.props[k] as Scalar | readonly Scalar[] | undefined) ?? null;
      // NODE_LABEL is every node's base label (labelExpr writes it); the rest are ontology classes.
      const { class: cls, seq, createdSeq } = v.meta;
      const row: u.NodeRow = createdSeq === undefined || createdSeq === seq ? { id, props: propsParam(this.o, props), class: cls, seq } : { id, props: propsParam(this.o, props), class: cls, seq, createdSeq };
      push(v.created ? creates : updates, v.labels.filter((l) => l !== NODE_LABEL).join(':'), row);
    }
    const labels = (key: string): string[] => (key === '' ? [] : key.split(':'));
    for (const [key, rows] of creates) out.push(u.createNodes(this.o, labels(key), rows, prov));
    for (const [key, rows] of updates) out.push(u.updateNodes(this.o, labels(key), rows, prov));
    for (const [type, rows] of byType(this.created.values())) out.push(u.createRelationships(this.o, type, rows.map((r) => ({ from: r.from, to: r.to, seq: r.seq })), prov));
    return out;
  }
}
