/**
 * `asOf` on the read roots: the graph as it was at a ledger seq or commit time (GraphStore.readsAt). A root field
 * given `asOf` reads from a view of the store at that seq — with the caller's scope, as every read — and tags the
 * records it returns with that view, so the fields under them (relationships, counts, a relationship's ends, a
 * path's nodes) read at the same point. One view, with its own loaders, per (request, seq).
 */
import { resolveAsOf } from '../../core/store/as-of.ts';
import type { GraphReads, GraphStore, NodeRecord, Page } from '../../ports/graph-store.ts';
import type { ApiContext } from '../context.ts';
import { createLoaders, type Loaders } from '../loaders.ts';

/** A view of the graph at one seq, for one request. */
export interface AsOfView {
  readonly seq: number;
  readonly reads: GraphReads;
  readonly loaders: Loaders;
}

const TAG = Symbol('trailgraph.asOf');
const views = new WeakMap<ApiContext, Map<number, Promise<AsOfView>>>();

function tag<T>(value: T, view: AsOfView): T {
  if (typeof value === 'object' && value !== null && Object.isExtensible(value)) Object.defineProperty(value, TAG, { value: view });
  return value;
}

const tagPage = (page: Page<NodeRecord>, view: AsOfView): Page<NodeRecord> => {
  for (const i of page.items) tag(i.node, view);
  return page;
};

/** Reads whose every returned record is tagged with `view`. */
function tagged(reads: GraphReads, view: () => AsOfView): GraphReads {
  return {
    getNode: async (id, scope) => tag(await reads.getNode(id, scope), view()),
    getNodes: async (ids, scope) => {
      const found = await reads.getNodes(ids, scope);
      for (const n of found.values()) tag(n, view());
      return found;
    },
    listNodes: async (q) => tagPage(await reads.listNodes(q), view()),
    related: async (q) => {
      const pages = await reads.related(q);
      for (const p of pages.values()) tagPage(p, view());
      return pages;
    },
    countRelated: (ids, type, direction, scope) => reads.countRelated(ids, type, direction, scope),
    neighbourhood: async (id, hops, o) => {
      const n = await reads.neighbourhood(id, hops, o);
      for (const x of n.nodes) tag(x.node, view());
      for (const r of n.relationships) tag(r, view());
      return n;
    },
    paths: async (from, to, maxHops, o) => {
      const ps = await reads.paths(from, to, maxHops, o);
      for (const p of ps) {
        tag(p, view());
        for (const r of p.relationships) tag(r, view());
      }
      return ps;
    },
  };
}

/** The view of `asOf` (a `{ seq } | { time }` argument value) for this request. */
export async function viewAt(ctx: ApiContext, asOf: unknown): Promise<AsOfView> {
  const store = ctx.store;
  const seq = await resolveAsOf(asOf, { head: await store.headSeq(), historyFrom: await store.historyFrom() }, (t) => store.seqAt(t));
  let byReq = views.get(ctx);
  if (!byReq) views.set(ctx, (byReq = new Map()));
  let v = byReq.get(seq);
  if (!v) {
    v = store.readsAt(seq).then((raw) => {
      // The view tags what its own reads return, so its reads need the view: a holder closes the loop.
      const holder: { view?: AsOfView } = {};
      const reads = tagged(raw, () => holder.view as AsOfView);
      holder.view = { seq, reads, loaders: createLoaders(reads) };
      return holder.view;
    });
    byReq.set(seq, v);
    v.catch(() => byReq.delete(seq));
  }
  return v;
}

/** The view a record was read through, if it was read as of a past point. */
export function viewOf(record: unknown): AsOfView | undefined {
  return typeof record === 'object' && record !== null ? (record as { [TAG]?: AsOfView })[TAG] : undefined;
}

/** The loaders a field under `parent` reads with: its view's, or the request's (the present). */
export function loadersFor(parent: unknown, ctx: ApiContext): Loaders {
  return viewOf(parent)?.loaders ?? ctx.loaders;
}

/** The reads a root field uses: the view of its `asOf` argument, or the store (the present). */
export async function readsFor(args: Record<string, unknown>, ctx: ApiContext): Promise<{ reads: GraphReads | GraphStore; loaders: Loaders }> {
  if (args.asOf === undefined || args.asOf === null) return { reads: ctx.store, loaders: ctx.loaders };
  const v = await viewAt(ctx, args.asOf);
  return { reads: v.reads, loaders: v.loaders };
}

/** The loaders that read at `asOf` in this request (the present's when absent): its as-of view's, made once. */
export async function loadersAt(ctx: ApiContext, asOf: unknown): Promise<Loaders> {
  return asOf === undefined || asOf === null ? ctx.loaders : (await viewAt(ctx, asOf)).loaders;
}
