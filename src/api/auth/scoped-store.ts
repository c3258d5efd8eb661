/**
 * The graph store as one caller may read it: every read carries the caller's ReadScope, which the adapter
 * compiles into its query. Resolvers and loaders use this view and cannot forget the scope — as-of views included,
 * whose reads get the same scope (evaluated against the graph as it was then). Writes that act on an existing mark
 * carry it too (the mark's node must be readable); the others (leave a mark, claims) pass through unchanged — what
 * they may do is decided by the policy before they run.
 */
import type { ReadAccess, ReadScope } from '../../core/auth/read-scope.ts';
import type { GraphReads, GraphStore, MarkGuard } from '../../ports/graph-store.ts';

/** The graph reads `reads` with `scope` on every call. */
function scopeReads(reads: GraphReads, scope: ReadScope): GraphReads {
  return {
    getNode: (id) => reads.getNode(id, scope),
    getNodes: (ids) => reads.getNodes(ids, scope),
    listNodes: (q) => reads.listNodes({ ...q, scope }),
    related: (q) => reads.related({ ...q, scope }),
    countRelated: (ids, type, direction) => reads.countRelated(ids, type, direction, scope),
    neighbourhood: (id, hops, o = {}) => reads.neighbourhood(id, hops, { ...o, scope }),
    paths: (from, to, maxHops, o = {}) => reads.paths(from, to, maxHops, { ...o, scope }),
  };
}

export function scopeStore(store: GraphStore, access: ReadAccess): GraphStore {
  if (access === 'all') return store;
  const scope = access;
  const view: GraphStore = Object.create(store) as GraphStore;
  return Object.assign(view, {
    ...scopeReads(store, scope),
    findEvent: (eventId: string, _scope?: unknown, source?: string) => store.findEvent(eventId, scope, source),
    history: (id: string, page?: Parameters<GraphStore['history']>[1]) => store.history(id, page, scope),
    ledger: (afterSeq: number, limit: number) => store.ledger(afterSeq, limit, scope),
    search: (q: Parameters<GraphStore['search']>[0]) => store.search({ ...q, scope }),
    // Acting on an existing mark reveals it and its node: only marks on nodes the caller may read.
    reinforceMark: (input: Parameters<GraphStore['reinforceMark']>[0]) => store.reinforceMark({ ...input, guard: { ...input.guard, scope } }),
    removeMark: (markId: string, agent: string, guard?: MarkGuard) => store.removeMark(markId, agent, { ...guard, scope }),
    readsAt: async (seq: number) => scopeReads(await store.readsAt(seq), scope),
  } satisfies Partial<GraphStore>);
}
