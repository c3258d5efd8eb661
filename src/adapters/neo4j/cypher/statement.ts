/**
 * A Cypher statement as the pure builders return it (the shape neo4j/graphql's translate layer uses): the text
 * with `$name` placeholders, and the values. Values never appear in the text; only ontology names (validated and
 * backtick-quoted) and bounded integers do.
 */
export interface Statement {
  readonly cypher: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** Labels, relationship types and property keys of trailgraph's own bookkeeping (never ontology names). */
export const INTERNAL_LABELS = ['Resource', 'LedgerEntry', 'LedgerNodeRef', 'TrailgraphMeta', 'TrailgraphCheckpoint', 'TrailgraphMark', 'TrailgraphClaim', 'TrailgraphNodeVersion', 'TrailgraphRelVersion'] as const;
export const INTERNAL_REL_TYPES = ['TOUCHES'] as const;

/**
 * A number that must reach Neo4j as FLOAT even when it is integral (a `score` of 1, a mark strength of 1). The
 * executor sends other integral numbers as INTEGER, so without this a float-ranged property would hold a mix of
 * INTEGER and FLOAT values. Pure marker: the builders stay free of neo4j-driver.
 */
export class FloatParam {
  constructor(readonly float: number) {}
}
