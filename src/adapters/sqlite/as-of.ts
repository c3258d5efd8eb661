/**
 * As-of reads on SQLite: the present's read code, run over the versioned rows. Each statement gets a prefix of
 * common table expressions named `nodes`, `node_labels` and `rels` — a CTE shadows the table of the same name in
 * the whole statement, subqueries and scope rules included — that select the versions valid at the seq. They are
 * NOT MATERIALIZED, so SQLite folds them into the statement and probes the versions' primary keys and indexes as
 * it probes the tables today; the present's statements are untouched, so current reads cost what they did.
 */
import type { Statement } from 'better-sqlite3';
import { BadInputError } from '../../core/errors.ts';
import { checkHistory, HISTORY_FROM_META_KEY } from '../../core/store/as-of.ts';
import type { GraphReads } from '../../ports/graph-store.ts';
import type { StoreContext } from './context.ts';
import { headSeq } from './ledger.ts';
import { countRelated, listNodes, related } from './list.ts';
import { getNode, getNodes } from './rows.ts';
import { neighbourhood, paths } from './traverse.ts';

const valid = (v: string, seq: number): string => `${v}.seq <= ${seq} AND (${v}.vt IS NULL OR ${v}.vt > ${seq})`;

/** The CTE prefix for `seq` (an integer checked by the caller, written as a literal so statements stay cacheable per view). */
function prefix(seq: number): string {
  return (
    'WITH ' +
    `nodes AS NOT MATERIALIZED (SELECT v.id, v.class, v.labels, v.props, v.event_id, v.source, v.time, v.seq, v.created_seq FROM node_versions v WHERE ${valid('v', seq)}), ` +
    `node_labels AS NOT MATERIALIZED (SELECT v.label, v.id FROM label_versions v WHERE ${valid('v', seq)}), ` +
    `rels AS NOT MATERIALIZED (SELECT v.type, v.from_id, v.to_id, v.event_id, v.source, v.time, v.seq, v.created_seq FROM rel_versions v WHERE ${valid('v', seq)}) `
  );
}

/** A context whose statements read the graph as of `seq` (its own statement cache, dropped with the view). */
function contextAt(ctx: StoreContext, seq: number): StoreContext {
  const cache = new Map<string, Statement>();
  const head = prefix(seq);
  return {
    db: ctx.db,
    ontology: ctx.ontology,
    stmt(sql) {
      let s = cache.get(sql);
      if (!s) {
        s = ctx.db.prepare(head + sql);
        cache.set(sql, s);
      }
      return s;
    },
    notify: () => undefined,
    // Read-only: nothing is ever queued.
    search: ctx.search,
  };
}

/** The first seq this store's history answers for. */
export function historyFrom(ctx: StoreContext): number {
  return Number((ctx.stmt('SELECT value FROM meta WHERE key = ?').pluck().get(HISTORY_FROM_META_KEY) as string | undefined) ?? 0);
}

/** The last seq committed at or before `time`. */
export function seqAt(ctx: StoreContext, time: string): number {
  return (ctx.stmt('SELECT coalesce(max(seq), 0) FROM ledger WHERE committed_at <= ?').pluck().get(time) as number) ?? 0;
}

/** Checks `seq` against the head and the history's start. */
export function checkSeq(ctx: StoreContext, seq: number): void {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new BadInputError('asOf.seq', `must be an integer ≥ 0, got ${seq}`);
  const head = headSeq(ctx);
  if (seq > head) throw new BadInputError('asOf', `is at seq ${seq}, after the head of the ledger (${head})`);
  checkHistory(seq, historyFrom(ctx));
}

/** Refuses mark filters as of a past seq: marks are the present's coordination state, not history. */
export function noMarkFilters(marks: readonly unknown[] | undefined): void {
  if (marks && marks.length > 0) throw new BadInputError('asOf', 'cannot be combined with mark filters (marks are not kept as history)');
}

/** The read functions over the graph as of `seq`, each run through `run` (the store's error guard). */
export function readsAt(ctx: StoreContext, seq: number, run: <T>(fn: () => T) => Promise<T>): GraphReads {
  checkSeq(ctx, seq);
  return readsOver(contextAt(ctx, seq), run);
}

/**
 * The store's read functions over `ctx` — a view of the past (readsAt) or a loaded snapshot (snapshot.ts) —
 * each run through `run`. Marks have no history, so mark filters are refused here.
 */
export function readsOver(ctx: StoreContext, run: <T>(fn: () => T) => Promise<T>): GraphReads {
  return {
    getNode: (id, scope) => run(() => getNode(ctx, id, scope)),
    getNodes: (ids, scope) => run(() => getNodes(ctx, ids, undefined, scope)),
    listNodes: (q) =>
      run(() => {
        noMarkFilters(q.marks);
        return listNodes(ctx, q);
      }),
    related: (q) => run(() => related(ctx, q)),
    countRelated: (ids, type, direction, scope) => run(() => countRelated(ctx, ids, type, direction, scope)),
    neighbourhood: (id, hops, options) => run(() => neighbourhood(ctx, id, hops, options)),
    paths: (from, to, maxHops, options) => run(() => paths(ctx, from, to, maxHops, options)),
  };
}
