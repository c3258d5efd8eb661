/**
 * The executable schema: generated SDL + resolvers, plus composable extensions. The marks / claims layer plugs in
 * here: `{ typeDefs: 'extend type Query {…} extend type Mutation {…} extend input ReferralWhere {…}', resolvers,
 * whereHandlers }` — no change to the generator needed.
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import { parse, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { ConfigError } from '../../core/errors.ts';
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

/**
 * Refuses a schema in which one type name is defined twice. The ontology's classes become types named like them,
 * beside trailgraph's own (`Relationship`, `Path`, `LedgerEntry`, …); left alone, the schema tools would merge the
 * two definitions into one type with both sets of fields, silently wrong for both.
 */
function checkTypeNames(typeDefs: readonly unknown[]): void {
  const seen = new Set<string>();
  for (const doc of typeDefs) {
    if (typeof doc !== 'string') continue;
    for (const def of parse(doc).definitions) {
      if (!('name' in def) || !def.name || def.kind.endsWith('Extension') || def.kind === 'DirectiveDefinition') continue;
      const name = def.name.value;
      if (seen.has(name)) {
        throw new ConfigError('ontology', `the GraphQL type ${name} would be defined twice: a class of the ontology (or a name made from one) is named like one of trailgraph's own API types; rename that class's local name to serve it over GraphQL`);
      }
      seen.add(name);
    }
  }
}

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
  const typeDefs = [buildSdl(ontology), ...extensions.map((e) => resolved(e.typeDefs, ontology))];
  checkTypeNames(typeDefs);
  return makeExecutableSchema({
    typeDefs,
    resolvers: resolverMaps as never,
    inheritResolversFromInterfaces: true,
  });
}

export { buildSdl } from './sdl.ts';
