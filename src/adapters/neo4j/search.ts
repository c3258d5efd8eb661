/**
 * Full-text search on Neo4j: keeps the `tg_search` full-text index matching the ontology's searchable properties
 * (rebuilt when they change, waited for until online) and answers ranked pages from it, a read scope compiled
 * into the query (cypher/scope.ts) like every other read.
 */
import type { CompiledOntology } from '../../core/ontology/model.ts';
import { parseSearch, searchCursor, searchOffset, toLucene } from '../../core/search/query.ts';
import { pageSize } from '../../core/store/limits.ts';
import type { SearchPage, SearchQuery } from '../../core/store/records.ts';
import * as s from './cypher/search.ts';
import type { Executor } from './executor.ts';
import { toNodeRecord } from './records.ts';

/** How long init waits for a new index to fill (seconds). */
const AWAIT_INDEX_SECONDS = 600;

/**
 * Creates the index, or drops and recreates it when its properties or analyzer differ from the ontology's. Several
 * processes may start on one database at once (replicas, a restarted projector whose killed predecessor was midway):
 * each step is idempotent, and a step that loses a race (the index dropped or rebuilt under it, a population that
 * failed) is retried from a fresh look at the index, a few times, before start-up fails.
 */
export async function ensureSearchIndex(exec: Executor, ontology: CompiledOntology): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureSearchIndexOnce(exec, ontology);
      return;
    } catch (err) {
      if (attempt >= 4) throw err;
      // A failed population stays failed: drop it so the next attempt builds it again.
      await exec.autoCommit(s.dropSearchIndex()).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 250 * attempt));
    }
  }
}

async function ensureSearchIndexOnce(exec: Executor, ontology: CompiledOntology): Promise<void> {
  const want = s.searchProperties(ontology);
  const [row] = await exec.autoCommit(s.showSearchIndex());
  const have = row ? [...((row.properties as string[] | undefined) ?? [])].sort() : undefined;
  const same = have !== undefined && row?.analyzer === s.SEARCH_ANALYZER && JSON.stringify(have) === JSON.stringify(want);
  if (same) return;
  if (have !== undefined) await exec.autoCommit(s.dropSearchIndex());
  if (want.length === 0) return;
  await exec.autoCommit(s.createSearchIndex(ontology));
  await exec.autoCommit(s.awaitSearchIndex(AWAIT_INDEX_SECONDS));
}

/** A page of ranked hits. */
export async function searchNeo4j(exec: Executor, ontology: CompiledOntology | undefined, query: SearchQuery): Promise<SearchPage> {
  const lucene = toLucene(parseSearch(query.text));
  const offset = searchOffset(query.after);
  const first = pageSize(query.first);
  if (first === 0 || (ontology && s.searchProperties(ontology).length === 0)) return { items: [], hasNextPage: false };
  const classes = query.classes?.length ? [...query.classes] : null;
  const rows = await exec.query(s.searchNodes(lucene, classes, offset, first + 1, query.scope));
  const items = rows.slice(0, first).map((r, i) => ({ node: toNodeRecord(ontology, r.n), score: Number(r.score), cursor: searchCursor(offset + i + 1) }));
  const last = items[items.length - 1];
  return { items, hasNextPage: rows.length > first, ...(last && { endCursor: last.cursor }) };
}
