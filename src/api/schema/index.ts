/**
 * The executable schema: generated SDL + resolvers, plus composable extensions. The marks / claims layer plugs in
 * here: `{ typeDefs: 'extend type Query {…} extend type Mutation {…} extend input ReferralWhere {…}', resolvers,
 * whereHandlers }` — no change to the generator needed.
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import { waitForSeq } from '../../app/publish/consistency.ts';
import type { ApiContext } from '../context.ts';
import { publishEventResolver } from './publish-event.ts';
import { type ResolverMap, buildResolvers } from './resolvers.ts';
import { buildSdl } from './sdl.ts';
import type { WhereKeyHandler } from './where.ts';

/** A piece of schema added on top of the generated one. */
export interface SchemaExtension {
  /** SDL using `extend type` / `extend input`, or new types. May be derived from the ontology. */
  readonly typeDefs: string | ((ontology: CompiledOntology) => string);
  readonly resolvers?: ResolverMap | ((ontology: CompiledOntology) => ResolverMap);
  /** Handlers for `where` keys the extension adds to `<Class>Where` inputs. */
  readonly whereHandlers?: Readonly<Record<string, WhereKeyHandler>>;
}

type Resolver = GraphQLFieldResolver<unknown, ApiContext, Record<string, unknown>>;

/**
 * Read-your-writes for every Query field: when `atLeastSeq` is given, wait (bounded by limits.maxWaitMs) until
 * the graph has applied it, then resolve. Fields without the argument are untouched.
 */
function withConsistency(resolve: Resolver): Resolver {
  return async (parent, args, ctx, info) => {
    const seq = args.atLeastSeq;
    if (typeof seq === 'number' && seq > 0) {
      const wanted = typeof args.waitMs === 'number' ? args.waitMs : ctx.limits.defaultWaitMs;
      await waitForSeq(ctx.store, seq, Math.max(0, Math.min(wanted, ctx.limits.maxWaitMs)));
      ctx.loaders.clear();
    }
    return resolve(parent, args, ctx, info);
  };
}

const resolved = <T>(v: T | ((o: CompiledOntology) => T), o: CompiledOntology): T =>
  typeof v === 'function' ? (v as (o: CompiledOntology) => T)(o) : v;

/** Builds the executable schema for any ontology. */
export function createSchema(ontology: CompiledOntology, extensions: readonly SchemaExtension[] = []): GraphQLSchema {
  const whereHandlers = Object.assign({}, ...extensions.map((e) => e.whereHandlers ?? {})) as Record<string, WhereKeyHandler>;
  const base = buildResolvers(ontology, { whereHandlers });
  base.Mutation = { publishEvent: publishEventResolver };
  const resolverMaps: ResolverMap[] = [base, ...extensions.map((e) => resolved(e.resolvers ?? {}, ontology))];
  // Wrap Query fields of every map (extensions included) so atLeastSeq works everywhere.
  for (const m of resolverMaps) {
    const q = m.Query as Record<string, Resolver> | undefined;
    if (q) for (const [k, r] of Object.entries(q)) q[k] = withConsistency(r);
  }
  return makeExecutableSchema({
    typeDefs: [buildSdl(ontology), ...extensions.map((e) => resolved(e.typeDefs, ontology))],
    resolvers: resolverMaps as never,
    inheritResolversFromInterfaces: true,
  });
}

export { buildSdl } from './sdl.ts';
