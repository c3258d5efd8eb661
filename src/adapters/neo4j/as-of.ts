/**
 * As-of reads on Neo4j. The versions valid at a seq (cypher/history.ts, written with the graph) are loaded into an
 * in-memory SQLite snapshot (sqlite/snapshot.ts) that answers every read with the same code — and the same scope
 * rules — as the embedded store, so both stores answer alike. Loading costs one scan of the version rows valid at
 * the seq (range index on `seq`); the last few snapshots are kept, so the reads of one request, or of an agent
 * paging through a past state, load it once. A past state never changes, so a kept snapshot is never stale.
 */
import type { CompiledOntology } from '../../core/ontology/model.ts';
import { BadInputError } from '../../core/errors.ts';
import { checkHistory, HISTORY_FROM_META_KEY } from '../../core/store/as-of.ts';
import type { GraphReads, GraphStore, NodeRecord, RelationshipRecord } from '../../ports/graph-store.ts';
import { openSnapshot, type GraphSnapshot } from '../sqlite/snapshot.ts';
import * as h from './cypher/history.ts';
import { lockHead } from './cypher/apply.ts';
import { getMeta, setMeta } from './cypher/reads.ts';
import type { Executor, Tx } from './executor.ts';
import { versionToNode, versionToRel } from './history.ts';
import { toNodeRecord } from './records.ts';

const PAGE = 5000;
/** Snapshots kept (each holds a whole past graph in memory). */
const KEPT = 4;

type Meta = Pick<GraphStore, 'getMeta' | 'headSeq'>;

export interface Neo4jHistory extends Pick<GraphStore, 'readsAt' | 'seqAt' | 'historyFrom' | 'resetHistory'> {
  /** At init: a store that has a graph but no history yet starts it now. */
  ensureStarted(): Promise<void>;
  /** Frees the kept snapshots. */
  close(): void;
}

export function createNeo4jHistory(exec: Executor, onto: () => CompiledOntology, meta: Meta): Neo4jHistory {
  const kept = new Map<number, Promise<GraphSnapshot>>();
  const historyFrom = async (): Promise<number> => Number((await meta.getMeta(HISTORY_FROM_META_KEY)) ?? 0);

  const load = async (seq: number): Promise<GraphSnapshot> => {
    const nodes: NodeRecord[] = [];
    const rels: RelationshipRecord[] = [];
    await exec.read(async (tx) => {
      let after = '';
      for (;;) {
        const rows = await tx.run(h.nodesAt(seq, after, PAGE));
        for (const r of rows) nodes.push(versionToNode(r.v));
        if (rows.length < PAGE) break;
        after = nodes[nodes.length - 1]?.id ?? after;
      }
      for (const r of await tx.run(h.relsAt(seq))) rels.push(versionToRel(r.v));
    });
    return openSnapshot(onto(), nodes, rels);
  };

  const snapshot = (seq: number): Promise<GraphSnapshot> => {
    let s = kept.get(seq);
    if (s) {
      kept.delete(seq);
      kept.set(seq, s);
      return s;
    }
    s = load(seq);
    kept.set(seq, s);
    s.catch(() => kept.delete(seq));
    while (kept.size > KEPT) {
      const [oldest] = kept;
      if (!oldest) break;
      kept.delete(oldest[0]);
      void oldest[1].then((x) => x.close(), () => undefined);
    }
    return s;
  };

  const clear = (): void => {
    for (const s of kept.values()) void s.then((x) => x.close(), () => undefined);
    kept.clear();
  };

  /**
   * Drops the history and makes the current graph its first versions, valid from the head: all inside `tx`, which
   * holds the head lock, so no batch (of this or another process) commits between the graph read and the versions
   * written, and a second starter waits for this one and then sees its `history.from`. One transaction for the
   * whole graph, as on SQLite: a seed that fails leaves no half-started history.
   */
  const seed = async (tx: Tx, head: number): Promise<void> => {
    const o = onto();
    for (;;) {
      const [row] = await tx.run(h.dropHistory(PAGE));
      if (Number(row?.n ?? 0) === 0) break;
    }
    let after = '';
    for (;;) {
      const page = (await tx.run(h.currentNodes(after, PAGE))).map((r) => toNodeRecord(o, r.n));
      if (page.length === 0) break;
      const ids = page.map((n) => n.id);
      await tx.run(h.writeNodeHistory(page.map((n) => ({
        id: n.id, closeAt: head, versions: [{
          seq: n.provenance.seq, vt: null, class: n.class, labels: [...n.labels], props: JSON.stringify(n.properties),
          eventId: n.provenance.eventId, source: n.provenance.source, time: n.provenance.time, createdSeq: n.provenance.createdSeq,
        }],
      }))));
      const rels = await tx.run(h.currentRelsFrom(ids));
      if (rels.length > 0) {
        await tx.run(h.writeRelHistory(rels.map((r) => ({
          type: String(r.type), from: String(r.from), to: String(r.to), closeAt: null,
          versions: [{ seq: Number(r.seq), vt: null, eventId: String(r.eventId), source: String(r.source), time: String(r.time) }],
        }))));
      }
      after = ids[ids.length - 1] ?? after;
      if (page.length < PAGE) break;
    }
    await tx.run(setMeta(HISTORY_FROM_META_KEY, String(head)));
  };

  const resetHistory = async (): Promise<void> => {
    clear();
    await exec.write(async (tx) => {
      const [lock] = await tx.run(lockHead());
      await seed(tx, Number(lock?.head ?? 0));
    });
  };

  return {
    async readsAt(seq): Promise<GraphReads> {
      if (!Number.isSafeInteger(seq) || seq < 0) throw new BadInputError('asOf.seq', `must be an integer ≥ 0, got ${seq}`);
      const head = await meta.headSeq();
      if (seq > head) throw new BadInputError('asOf', `is at seq ${seq}, after the head of the ledger (${head})`);
      checkHistory(seq, await historyFrom());
      const s = await snapshot(seq);
      // Only the reads: close() stays with the cache that owns the snapshot.
      return { getNode: s.getNode, getNodes: s.getNodes, listNodes: s.listNodes, related: s.related, countRelated: s.countRelated, neighbourhood: s.neighbourhood, paths: s.paths };
    },
    async seqAt(time) {
      const [row] = await exec.query(h.seqAt(time));
      return Number(row?.seq ?? 0);
    },
    historyFrom,
    resetHistory,
    async ensureStarted() {
      // Started already: the usual start-up, answered without taking the lock every writer waits on.
      if ((await meta.getMeta(HISTORY_FROM_META_KEY)) !== undefined) return;
      await exec.write(async (tx) => {
        const [lock] = await tx.run(lockHead());
        // Asked again under the lock: another process may have started it while this one waited.
        const [row] = await tx.run(getMeta(HISTORY_FROM_META_KEY));
        if (typeof row?.value === 'string') return;
        await seed(tx, Number(lock?.head ?? 0));
      });
    },
    close: clear,
  };
}
