/**
 * Versioned rows on Neo4j (cypher/history.ts): what one applyBatch writes, and the snapshot as-of reads load.
 *
 * The batch records, after each change set, the state of every node the set changed (from the batch's view, or
 * read back in the transaction on the op-by-op path) and each relationship created or retracted; the chain of
 * versions per node / relationship is kept here, so the batch ends with two UNWIND statements whatever its size.
 */
import type { AppliedChange, PropertyValue } from '../../core/projection/change-set.ts';
import type { NodeRecord, RelationshipRecord } from '../../core/store/records.ts';
import type { ProvParams } from './cypher/apply.ts';
import * as h from './cypher/history.ts';
import type { BatchProvenance } from './cypher/provenance.ts';
import type { Statement } from './cypher/statement.ts';
import { ANY_CLASS } from '../../core/projection/planner.ts';

/** A node's state after a change set: null when it no longer exists. */
export interface NodeState {
  readonly class: string;
  readonly labels: readonly string[];
  readonly props: Readonly<Record<string, unknown>>;
}

const relKey = (type: string, from: string, to: string): string => `${type}\u0000${from}\u0000${to}`;

export class HistoryRecorder {
  private readonly nodes = new Map<string, h.NodeHistoryRow>();
  private readonly rels = new Map<string, h.RelHistoryRow>();
  /** Nodes that did not exist before the batch (born in it): they have no version before the batch to close. */
  private readonly fresh = new Set<string>();

  /**
   * The ids of nodes change set `changes` created, updated or deleted, in order, each once; which it leaves
   * created; and which did not exist before it (the first change to them is their creation — a node deleted and
   * created again by one change set existed before it).
   */
  static touchedNodes(changes: readonly AppliedChange[]): { ids: string[]; created: Set<string>; born: Set<string> } {
    const ids = new Set<string>();
    const created = new Set<string>();
    const born = new Set<string>();
    for (const c of changes) {
      if (c.kind !== 'node') continue;
      if (!ids.has(c.id) && c.change === 'created') born.add(c.id);
      ids.add(c.id);
      if (c.change === 'created') created.add(c.id);
      if (c.change === 'deleted') created.delete(c.id);
    }
    return { ids: [...ids], created, born };
  }

  /**
   * Records the node's state after change set `prov.seq` (null = deleted); `born`: the node did not exist before
   * this change set (touchedNodes).
   */
  node(id: string, state: NodeState | null, created: boolean, born: boolean, prov: ProvParams): void {
    let row = this.nodes.get(id);
    if (!row) {
      this.nodes.set(id, (row = { id, closeAt: prov.seq, versions: [] }));
      if (born) this.fresh.add(id);
    }
    let last = row.versions[row.versions.length - 1];
    let carried = last?.createdSeq ?? null;
    if (last && last.seq === prov.seq) {
      row.versions.pop();
      last = row.versions[row.versions.length - 1];
    } else if (last) last.vt = prov.seq;
    if (!state) {
      if (last && last.vt === null) last.vt = prov.seq;
      return;
    }
    if (created) carried = prov.seq;
    row.versions.push({
      seq: prov.seq, vt: null, class: state.class, labels: [...state.labels], props: JSON.stringify(ontologyProps(state.props)),
      eventId: prov.eventId, source: prov.source, time: prov.time, createdSeq: carried,
    });
  }

  /** Records the relationship changes of one change set. */
  relationships(changes: readonly AppliedChange[], prov: ProvParams): void {
    for (const c of changes) {
      if (c.kind !== 'relationship') continue;
      const key = relKey(c.type, c.from.id, c.to.id);
      let row = this.rels.get(key);
      if (!row) this.rels.set(key, (row = { type: c.type, from: c.from.id, to: c.to.id, closeAt: null, versions: [] }));
      const last = row.versions[row.versions.length - 1];
      if (c.change === 'created') {
        row.versions.push({ seq: prov.seq, vt: null, eventId: prov.eventId, source: prov.source, time: prov.time });
      } else if (!last) {
        row.closeAt = prov.seq;
      } else if (last.seq === prov.seq) {
        row.versions.pop();
      } else {
        last.vt = prov.seq;
      }
    }
  }

  /**
   * At most four UNWIND statements: rows with nothing before the batch (a node it created, a relationship it did
   * not retract) are created without the lookup that closes a current version, their provenance taken from `prov`
   * (the batch's applied change sets) by seq.
   */
  statements(prov: BatchProvenance): Statement[] {
    const out: Statement[] = [];
    const nodes = [...this.nodes.values()];
    const freshNodes = nodes.filter((r) => this.fresh.has(r.id));
    const oldNodes = nodes.filter((r) => !this.fresh.has(r.id));
    if (freshNodes.length > 0) out.push(h.createNodeVersions(freshNodes, prov));
    if (oldNodes.length > 0) out.push(h.writeNodeHistory(oldNodes));
    const rels = [...this.rels.values()];
    const newRels = rels.filter((r) => r.closeAt === null);
    const closing = rels.filter((r) => r.closeAt !== null);
    if (newRels.length > 0) out.push(h.createRelVersions(newRels, prov));
    if (closing.length > 0) out.push(h.writeRelHistory(closing));
    return out;
  }
}

/** Ontology properties only (no id, no `_` bookkeeping), as a NodeRecord shows them. */
function ontologyProps(all: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) if (k !== 'id' && !k.startsWith('_') && v !== null && v !== undefined) out[k] = v;
  return out;
}

type Props = Readonly<Record<string, unknown>>;
/** A version node's properties (rows carry nodes as `{ labels, properties }`). */
const propsOf = (n: unknown): Props => (n as { properties?: Props }).properties ?? (n as Props);

/** A stored node version as the NodeRecord it was. */
export function versionToNode(row: unknown): NodeRecord {
  const v = propsOf(row);
  return {
    id: String(v.id),
    class: String(v.class),
    labels: (v.labels as string[]).map(String),
    properties: JSON.parse(String(v.props)) as Record<string, PropertyValue>,
    provenance: { eventId: String(v.eventId), source: String(v.source), time: String(v.time), seq: Number(v.seq), createdSeq: Number(v.createdSeq) },
  };
}

/** A stored relationship version as the RelationshipRecord it was (classes filled in by the snapshot from its nodes). */
export function versionToRel(row: unknown): RelationshipRecord {
  const v = propsOf(row);
  const seq = Number(v.seq);
  return {
    type: String(v.type),
    from: { id: String(v.from), class: ANY_CLASS },
    to: { id: String(v.to), class: ANY_CLASS },
    provenance: { eventId: String(v.eventId), source: String(v.source), time: String(v.time), seq, createdSeq: seq },
  };
}
