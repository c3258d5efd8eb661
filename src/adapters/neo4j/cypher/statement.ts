/**
 * A Cypher statement as the pure builders return it (the shape neo4j/graphql's translate layer uses): the text
 * with `$name` placeholders, and the values. Values never appear in the text; only ontology names (validated and
 * backtick-quoted) and bounded integers do.
 */
export interface Statement {
  readonly cypher: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** The label every graph node carries besides its classes: what ids are unique across, and the search index's scope. */
export const NODE_LABEL = 'TrailgraphNode';

/**
 * Labels and relationship types of trailgraph's own bookkeeping. Namespaced (`Trailgraph…`), so that no ontology
 * term is turned away for sharing a name with them.
 */
export const INTERNAL_LABELS = [NODE_LABEL, 'TrailgraphLedgerEntry', 'TrailgraphLedgerNodeRef', 'TrailgraphMeta', 'TrailgraphCheckpoint', 'TrailgraphMark', 'TrailgraphClaim', 'TrailgraphNodeVersion', 'TrailgraphRelVersion'] as const;
export const INTERNAL_REL_TYPES = ['TRAILGRAPH_TOUCHES'] as const;

/**
 * A number that must reach Neo4j as FLOAT even when it is integral (a `score` of 1, a mark strength of 1). The
 * executor sends other integral numbers as INTEGER, so without this a float-ranged property would hold a mix of
 * INTEGER and FLOAT values. Pure marker: the builders stay free of neo4j-driver.
 */
export class FloatParam {
  constructor(readonly float: number) {}
}
