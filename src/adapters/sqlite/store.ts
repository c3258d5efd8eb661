/**
 * The embedded graph store: GraphStore over one SQLite file (better-sqlite3, WAL). Several processes may open
 * the same file: writes serialise on SQLite's write lock (busy_timeout waits for it), every write is a
 * `BEGIN IMMEDIATE` transaction, and seqs / fencing tokens are computed inside it. Commit listeners hear about
 * this process's commits only.
 */
import { createCommitListeners } from '../shared/commit-listeners.ts';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import type { GraphStore } from '../../ports/graph-store.ts';
import { applyBatch } from './apply.ts';
import { claim, claimsOn, releaseClaim, renewClaim, sweepClaims } from './claims.ts';
import { readsAt, historyFrom, seqAt } from './as-of.ts';
import { createContext, guard, writeTx } from './context.ts';
import { restartHistory } from './history.ts';
import { createIndexes } from './indexes.ts';
import { findEvent, firstOfCorrelation, headSeq, readHistory, readLedger } from './ledger.ts';
import { countRelated, listNodes, related } from './list.ts';
import { leaveMark, marksOn, reinforceMark, removeMark, sweepMarks } from './marks.ts';
import { openDatabase, type OpenOptions, type SqliteDatabase } from './open.ts';
import { getNode, getNodes } from './rows.ts';
import { ensureSearchIndex, search } from './search.ts';
import { neighbourhood, paths } from './traverse.ts';
import { waitingNodes } from './waiting.ts';
import { historyPageSize } from '../../core/store/limits.ts';

export interface SqliteStoreOptions extends Partial<OpenOptions> {
  /** Default `./.trailgraph/graph.db`. */
  readonly path?: string;
  /** Known up front (else set by `init`): labels of bare referenced nodes, property validation. */
  readonly ontology?: CompiledOntology;
}

/** The SQLite GraphStore, with its connection for sharing (e.g. with createSqliteDeadLetters({ db })). */
export interface SqliteGraphStore extends GraphStore {
  readonly db: SqliteDatabase;
  readonly path: string;
}

export function createSqliteStore({ path = './.trailgraph/graph.db', ontology, ...open }: SqliteStoreOptions = {}): SqliteGraphStore {
  const db = guard(() => openDatabase({ ...open, path }));
  const listeners = createCommitListeners();
  const notify = listeners.notify;
  const ctx = createContext(db, ontology, notify);
  const read = <T>(fn: () => T): Promise<T> => Promise.resolve().then(() => guard(fn));

  return {
    kind: 'sqlite',
    db,
    path,
    init: (o) =>
      read(() => {
        ctx.ontology = o;
        createIndexes(db, o);
        ensureSearchIndex(db, o);
      }),
    applyBatch: (changeSets, options) => read(() => applyBatch(ctx, changeSets, options)),
    getCheckpoint: (name) => read(() => (ctx.stmt('SELECT position FROM checkpoints WHERE name = ?').pluck().get(name) as number | undefined) ?? 0),
    headSeq: () => read(() => headSeq(ctx)),
    findEvent: (eventId, scope, source) => read(() => findEvent(ctx, eventId, scope, source)),
    firstOfCorrelation: (correlationId) => read(() => firstOfCorrelation(ctx, correlationId)),
    onCommit(listener) {
      return listeners.add(listener);
    },
    getNode: (id, scope) => read(() => getNode(ctx, id, scope)),
    getNodes: (ids, scope) => read(() => getNodes(ctx, ids, undefined, scope)),
    listNodes: (q) => read(() => listNodes(ctx, q)),
    related: (q) => read(() => related(ctx, q)),
    countRelated: (ids, type, direction, scope) => read(() => countRelated(ctx, ids, type, direction, scope)),
    neighbourhood: (id, hops, options) => read(() => neighbourhood(ctx, id, hops, options)),
    paths: (from, to, maxHops, options) => read(() => paths(ctx, from, to, maxHops, options)),
    readsAt: (seq) => read(() => readsAt(ctx, seq, read)),
    seqAt: (time) => read(() => seqAt(ctx, time)),
    historyFrom: () => read(() => historyFrom(ctx)),
    resetHistory: () => read(() => writeTx(ctx, () => restartHistory(ctx))),
    history: (id, page = {}, scope) => read(() => readHistory(ctx, id, page.afterSeq ?? 0, historyPageSize(page.first), scope)),
    ledger: (afterSeq, limit, scope) => read(() => readLedger(ctx, afterSeq, limit, scope)),
    search: (q) => read(() => search(ctx, q)),
    setMeta: (key, value) =>
      read(() => {
        ctx.stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
      }),
    getMeta: (key) => read(() => ctx.stmt('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined),
    leaveMark: (input) => read(() => leaveMark(ctx, input)),
    reinforceMark: (input) => read(() => reinforceMark(ctx, input)),
    removeMark: (markId, agent, guard) => read(() => removeMark(ctx, markId, agent, guard)),
    marksOn: (ids, options) => read(() => marksOn(ctx, ids, options)),
    sweepMarks: (now) => read(() => sweepMarks(ctx, now)),
    claim: (input) => read(() => claim(ctx, input)),
    renewClaim: (input) => read(() => renewClaim(ctx, input)),
    releaseClaim: (input) => read(() => releaseClaim(ctx, input)),
    claimsOn: (ids, now) => read(() => claimsOn(ctx, ids, now)),
    sweepClaims: (now) => read(() => sweepClaims(ctx, now)),
    waitingNodes: (now, nearExpiryMs, limit) => read(() => waitingNodes(ctx, now, nearExpiryMs, limit)),
    close: () =>
      read(() => {
        listeners.clear();
        if (db.open) db.close();
      }),
  };
}
