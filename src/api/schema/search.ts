/**
 * `search(text, classes, first, after)`: full-text search over the ontology's searchable properties, ranked. The
 * query language (words, `prefix*`, `"a phrase"`) is core's (core/search/query.ts); the store ranks.
 */
import type { GraphQLFieldResolver } from 'graphql';
import { BadInputError } from '../../core/errors.ts';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import type { ApiContext } from '../context.ts';

/** Types of the search answer. */
export const SEARCH_SDL = /* GraphQL */ `
"A full-text search hit."
type SearchHit {
  node: Node!
  "Relevance (BM25 in SQLite, Lucene's BM25 in Neo4j): higher is better; compare within one answer only."
  score: Float!
  "Pass as after to get the hits that follow this one."
  cursor: String!
}

"A page of search hits, best first."
type SearchConnection {
  edges: [SearchHit!]!
  nodes: [Node!]!
  pageInfo: PageInfo!
}
`;

/** The root field, with the arguments every Query field takes. */
export const searchField = (consistencyArgs: string): string =>
  '"Full-text search over the searchable properties (every string property unless the ontology says tg:searchable false). ' +
  'All words must match; word* is a prefix; \\"two words\\" is a phrase. Best first." ' +
  `search(text: String!, "Only nodes of these classes (subclasses included)." classes: [String!], first: Int = 20, "A cursor from pageInfo.endCursor." after: String, ${consistencyArgs}): SearchConnection!`;

type Args = Record<string, unknown>;

/** The resolver of `search`. */
export function searchResolver(ontology: CompiledOntology): GraphQLFieldResolver<unknown, ApiContext, Args> {
  return async (_, args, ctx) => {
    const classes = Array.isArray(args.classes) ? (args.classes as string[]) : undefined;
    for (const c of classes ?? []) if (!ontology.classes.has(c)) throw new BadInputError('classes', `names ${JSON.stringify(c)}, which is not a class of the ontology`);
    const first = typeof args.first === 'number' ? args.first : 20;
    if (first < 0) throw new BadInputError('first', `must be ≥ 0, got ${first}`);
    const page = await ctx.store.search({
      text: String(args.text),
      first: Math.min(first, ctx.limits.maxFirst),
      ...(classes?.length && { classes }),
      ...(typeof args.after === 'string' && { after: args.after }),
    });
    for (const hit of page.items) ctx.loaders.node.prime(hit.node.id, hit.node);
    return {
      edges: page.items,
      nodes: page.items.map((h) => h.node),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor ?? null },
    };
  };
}
