/**
 * The graph store as one caller may read it: every read carries the caller's ReadScope, which the adapter
 * compiles into its query. Resolvers and loaders use this view and cannot forget the scope. Writes that act on
 * an existing mark carry it too (the mark's node must be readable); the others (leave a mark, claims) pass
 * through unchanged — what they may do is decided by the policy before they run.
 */
import type { ReadAccess } from '../../core/auth/read-scope.ts';
import type { GraphStore, MarkGuard } from '../../ports/graph-store.ts';

export function scopeStore(store: GraphStore, access: ReadAccess): GraphStore {
  if (access === 'all') return store;
  const scope = access;
  const view: GraphStore = Object.create(store) as GraphStore;
  return Object.assign(view, {
    findEvent: (eventId: string) => store.findEvent(eventId, scope),
    getNode: (id: string) => store.getNode(id, scope),
    getNodes: (ids: readonly string[]) => store.getNodes(ids, scope),
    listNodes: (q: Parameters<GraphStore['listNodes']>[0]) => store.listNodes({ ...q, scope }),
    related: (q: Parameters<GraphStore['related']>[0]) => store.related({ ...q, scope }),
    countRelated: (ids: readonly string[], type: string, direction: 'out' | 'in') => store.countRelated(ids, type, direction, scope),
    neighbourhood: (id: string, hops: number, o: Parameters<GraphStore['neighbourhood']>[2] = {}) => store.neighbourhood(id, hops, { ...o, scope }),
    paths: (from: string, to: string, maxHops: number, o: Parameters<GraphStore['paths']>[3] = {}) => store.paths(from, to, maxHops, { ...o, scope }),
    history: (id: string, page?: Parameters<GraphStore['history']>[1]) => store.history(id, page, scope),
    ledger: (afterSeq: number, limit: number) => store.ledger(afterSeq, limit, scope),
    search: (q: Parameters<GraphStore['search']>[0]) => store.search({ ...q, scope }),
    // Acting on an existing mark reveals it and its node: only marks on nodes the caller may read.
    reinforceMark: (input: Parameters<GraphStore['reinforceMark']>[0]) => store.reinforceMark({ ...input, guard: { ...input.guard, scope } }),
    removeMark: (markId: string, agent: string, guard?: MarkGuard) => store.removeMark(markId, agent, { ...guard, scope }),
  } satisfies Partial<GraphStore>);
}
