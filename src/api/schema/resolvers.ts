/**
 * Resolvers for the SDL of `sdl.ts`, generated from the same field plan. Reads go through the per-request
 * loaders (batched); list roots go straight to `store.listNodes`.
 */
import { type GraphQLFieldResolver, type GraphQLResolveInfo } from 'graphql';
import { BadInputError } from '../../core/errors.ts';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import type { NodeRecord, Page, RelationshipRecord } from '../../ports/graph-store.ts';
import type { ApiContext } from '../context.ts';
import { type FieldPlan, planClassFields } from './field-plan.ts';
import { classOfTypeRef, hasSubclasses, rootFieldNames, typeName } from './names.ts';
import { scalarResolvers } from './scalars.ts';
import { searchResolver } from './search.ts';
import { loadersFor, readsFor } from './as-of.ts';
import { type WhereKeyHandler, translateOrderBy, translateWhere } from './where.ts';

type Args = Record<string, unknown>;
type Resolver = GraphQLFieldResolver<unknown, ApiContext, Args>;
/** A resolver map as @graphql-tools/schema takes it. */
export type ResolverMap = Record<string, Record<string, unknown> | unknown>;

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

/** Page → Relay connection value. `totalCount` falls back to the page length only when it was not asked for. */
export function toConnection<T>(page: Page<T>): Connection<T> {
  const edges = page.items.map((i) => ({ cursor: i.cursor, node: i.node }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor ?? null },
    totalCount: page.totalCount ?? edges.length,
  };
}

/** True when the field's selection may include `name` (fragments count as "maybe"). */
export function selects(info: GraphQLResolveInfo, name: string): boolean {
  return info.fieldNodes.some((f) => f.selectionSet?.selections.some((s) => s.kind !== 'Field' || s.name.value === name));
}

function pageSize(first: unknown, ctx: ApiContext): number {
  return boundedArg('first', first, 20, 0, ctx.limits.maxFirst);
}

/** An integer argument at least `min` (BAD_USER_INPUT naming it otherwise), capped at the server's `max`. */
function boundedArg(name: string, value: unknown, fallback: number, min: number, max: number): number {
  const n = typeof value === 'number' ? value : fallback;
  if (!(n >= min)) throw new BadInputError(name, `must be ≥ ${min}, got ${n}`);
  return Math.min(n, max);
}

function datatypeValue(node: NodeRecord, f: Extract<FieldPlan, { kind: 'datatype' }>): unknown {
  const v = node.properties[f.property];
  if (f.functional) return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

export interface ResolverOptions {
  /** Extra `where` keys handled by extensions (see WhereKeyHandler). */
  readonly whereHandlers?: Readonly<Record<string, WhereKeyHandler>>;
}

/** Builds the resolver map for `ontology`. */
export function buildResolvers(ontology: CompiledOntology, options: ResolverOptions = {}): ResolverMap {
  const plans = new Map([...ontology.classes.keys()].map((c) => [c, planClassFields(ontology, c)]));
  const planOf = (typeRef: string): FieldPlan[] => plans.get(classOfTypeRef(typeRef) ?? '') ?? [];
  const handlers = options.whereHandlers ?? {};
  const resolveType = (n: NodeRecord): string | undefined => {
    const cls = ontology.classes.has(n.class) ? n.class : n.labels.find((l) => ontology.classes.has(l));
    return cls === undefined ? undefined : typeName(cls);
  };

  const nodeFields: Record<string, Resolver> = {
    _class: (n) => (n as NodeRecord).class,
    _labels: (n) => (n as NodeRecord).labels,
    _provenance: (n) => (n as NodeRecord).provenance,
    history: (n, args, ctx) => {
      const first = pageSize(args.first ?? 50, ctx);
      const page = typeof args.after === 'number' ? { first, afterSeq: args.after } : { first };
      return ctx.store.history((n as NodeRecord).id, page);
    },
  };

  const map: ResolverMap = {
    ...scalarResolvers,
    Node: { __resolveType: resolveType },
    Relationship: {
      from: (r: RelationshipRecord, _: Args, ctx: ApiContext) => loadersFor(r, ctx).node.load(r.from.id),
      to: (r: RelationshipRecord, _: Args, ctx: ApiContext) => loadersFor(r, ctx).node.load(r.to.id),
      fromId: (r: RelationshipRecord) => r.from.id,
      toId: (r: RelationshipRecord) => r.to.id,
      _provenance: (r: RelationshipRecord) => r.provenance,
    },
    Path: {
      nodes: (p: { nodes: readonly { id: string }[] }, _: Args, ctx: ApiContext) => loadersFor(p, ctx).node.loadMany(p.nodes.map((n) => n.id)),
      length: (p: { relationships: readonly unknown[] }) => p.relationships.length,
    },
  };

  const query: Record<string, Resolver> = {
    node: async (_, args, ctx) => (await readsFor(args, ctx)).loaders.node.load(String(args.id)),
    nodes: async (_, args, ctx) => {
      const got = await (await readsFor(args, ctx)).loaders.node.loadMany(args.ids as string[]);
      return got.map((n) => (n instanceof Error ? null : (n ?? null)));
    },
    neighbourhood: async (_, args, ctx) =>
      (await readsFor(args, ctx)).reads.neighbourhood(String(args.id), boundedArg('hops', args.hops, 1, 1, ctx.limits.maxHops), {
        ...(Array.isArray(args.via) && { via: args.via as string[] }),
        limit: boundedArg('limit', args.limit, 100, 0, ctx.limits.maxResults),
      }),
    paths: async (_, args, ctx) =>
      (await readsFor(args, ctx)).reads.paths(String(args.from), String(args.to), boundedArg('maxHops', args.maxHops, 4, 1, ctx.limits.maxHops), {
        ...(Array.isArray(args.via) && { via: args.via as string[] }),
        limit: boundedArg('limit', args.limit, 10, 0, ctx.limits.maxResults),
      }),
    event: async (_, args, ctx) => (await ctx.store.findEvent(String(args.id))) ?? null,
    ledger: (_, args, ctx) => ctx.store.ledger(boundedArg('after', args.after, 0, 0, Number.MAX_SAFE_INTEGER), pageSize(args.first ?? 100, ctx)),
    changesSince: (_, args, ctx) => ctx.store.ledger(boundedArg('seq', args.seq, 0, 0, Number.MAX_SAFE_INTEGER), pageSize(args.first ?? 100, ctx)),
    search: searchResolver(ontology),
    headSeq: (_, __, ctx) => ctx.store.headSeq(),
    ontology: (_, __, ctx) => ({ iri: ctx.ontology.iri, version: ctx.ontology.version, versionIri: ctx.ontology.versionIri ?? null }),
  };

  for (const [cls, plan] of plans) {
    const fields: Record<string, Resolver> = { ...nodeFields };
    for (const f of plan) {
      if (f.kind === 'datatype') fields[f.name] = (n) => datatypeValue(n as NodeRecord, f);
      else if (f.kind === 'count') fields[f.name] = (n, _, ctx) => loadersFor(n, ctx).count(f.property, f.direction).load((n as NodeRecord).id);
      else if (f.single) {
        fields[f.name] = async (n, _, ctx) => {
          const page = await loadersFor(n, ctx).related({ type: f.property, direction: f.direction, first: 1 }).load((n as NodeRecord).id);
          return page.items[0]?.node ?? null;
        };
      } else {
        const targetPlan = planOf(f.target);
        fields[f.name] = async (n, args, ctx, info) => {
          const where = translateWhere(args.where as Args | undefined, targetPlan, handlers);
          const sort = translateOrderBy(args.orderBy as { field: string } | undefined, targetPlan);
          const page = await loadersFor(n, ctx)
            .related({
              type: f.property,
              direction: f.direction,
              first: pageSize(args.first, ctx),
              ...(typeof args.after === 'string' && { after: args.after }),
              ...(where.filters.length > 0 && { filters: where.filters }),
              ...(sort && { sort }),
              includeTotal: selects(info, 'totalCount'),
            })
            .load((n as NodeRecord).id);
          return toConnection(page);
        };
      }
    }
    map[typeName(cls)] = fields;
    if (hasSubclasses(ontology, cls)) map[`${typeName(cls)}Like`] = { __resolveType: resolveType };

    const root = rootFieldNames(cls);
    query[root.one] = async (_, args, ctx) => {
      const node = await (await readsFor(args, ctx)).loaders.node.load(String(args.id));
      return node && node.labels.includes(cls) ? node : null;
    };
    query[root.many] = async (_, args, ctx, info) => {
      const where = translateWhere(args.where as Args | undefined, plan, handlers);
      const sort = translateOrderBy(args.orderBy as { field: string } | undefined, plan);
      const { reads, loaders } = await readsFor(args, ctx);
      const page = await reads.listNodes({
        class: cls,
        first: pageSize(args.first, ctx),
        ...(typeof args.after === 'string' && { after: args.after }),
        ...(where.filters.length > 0 && { filters: where.filters }),
        ...(where.relationships.length > 0 && { relationships: where.relationships }),
        ...(where.marks.length > 0 && { marks: where.marks }),
        ...(sort && { sort }),
        includeTotal: selects(info, 'totalCount'),
      });
      for (const item of page.items) loaders.node.prime(item.node.id, item.node);
      return toConnection(page);
    };
  }
  map.Query = query;
  return map;
}
