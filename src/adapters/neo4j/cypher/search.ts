/**
 * Full-text search statements: one Neo4j full-text index `tg_search` on every graph node (`:TrailgraphNode`) over the
 * ontology's searchable properties, analysed by `standard-no-stop-words` (letters and digits make words, case
 * folded, no stop words dropped — so a phrase like "the cardiologist" still matches), and not eventually consistent:
 * Neo4j updates it in the writing transaction. The query text is built by core (toLucene) from parsed terms.
 */
import type { ReadScope } from '../../../core/auth/read-scope.ts';
import type { CompiledOntology } from '../../../core/ontology/model.ts';
import { q } from './names.ts';
import { scopePredicate } from './scope.ts';
import type { Statement } from './statement.ts';

export const SEARCH_INDEX = 'tg_search';
export const SEARCH_ANALYZER = 'standard-no-stop-words';

/** The searchable properties, sorted (the index's property list). */
export function searchProperties(ontology: CompiledOntology): string[] {
  return [...ontology.properties.values()].filter((p) => p.kind === 'datatype' && p.searchable).map((p) => p.name).sort();
}

/** The index as it is now: its properties and analyzer (no row when absent). */
export function showSearchIndex(): Statement {
  return {
    cypher: 'SHOW FULLTEXT INDEXES YIELD name, properties, options WHERE name = $name RETURN properties, options.indexConfig.`fulltext.analyzer` AS analyzer',
    params: { name: SEARCH_INDEX },
  };
}

export function dropSearchIndex(): Statement {
  return { cypher: `DROP INDEX ${q(SEARCH_INDEX)} IF EXISTS`, params: {} };
}

/** Creates the index over `properties` (at least one). */
export function createSearchIndex(ontology: CompiledOntology): Statement {
  const props = searchProperties(ontology).map((p) => `n.${q(p)}`);
  return {
    cypher:
      `CREATE FULLTEXT INDEX ${q(SEARCH_INDEX)} IF NOT EXISTS FOR (n:TrailgraphNode) ON EACH [${props.join(', ')}] ` +
      `OPTIONS {indexConfig: {\`fulltext.analyzer\`: '${SEARCH_ANALYZER}', \`fulltext.eventually_consistent\`: false}}`,
    params: {},
  };
}

/** Waits until the index is online (populated): a new or rebuilt index fills in the background. */
export function awaitSearchIndex(timeoutSeconds: number): Statement {
  return { cypher: 'CALL db.awaitIndex($name, $timeout)', params: { name: SEARCH_INDEX, timeout: timeoutSeconds } };
}

const CLASSES = '$classes IS NULL OR any(l IN labels(node) WHERE l IN $classes)';

/**
 * A page of hits, best first, ties by id; `classes` null = any class. With a read scope, only hits the caller may
 * read — filtered before SKIP/LIMIT, so pages and cursors count only what it sees.
 */
export function searchNodes(lucene: string, classes: readonly string[] | null, skip: number, limit: number, scope?: ReadScope): Statement {
  const visible = scopePredicate(scope, 'node');
  return {
    cypher:
      'CALL db.index.fulltext.queryNodes($index, $query) YIELD node, score ' +
      `WHERE ${visible ? `(${CLASSES}) AND ${visible.cypher}` : CLASSES} ` +
      'RETURN node AS n, score ORDER BY score DESC, node.id ASC SKIP $skip LIMIT $limit',
    params: { ...visible?.params, index: SEARCH_INDEX, query: lucene, classes, skip, limit },
  };
}
