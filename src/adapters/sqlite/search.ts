/**
 * Full-text search on SQLite: a contentless FTS5 table `search_text` with one column per searchable property
 * (phrases never run across two properties, and BM25 weighs each column like Lucene weighs each field), its rows
 * keyed by `search_docs` (node id → FTS rowid; nodes' own rowids are not stable across VACUUM). Contentless: search
 * reads only rowids and BM25, so the table keeps no copy of the text. The rows are written by the store inside
 * the writing transaction — projection, migrations, deletes — see search-writes.ts. `init` rebuilds the index
 * when its stored layout (format and searchable set, meta `search.columns`) differs from this code's.
 *
 * The tokenizer is `unicode61 remove_diacritics 0`: letters and digits make words, case folded, accents kept — what
 * Lucene's standard analyzer does in the Neo4j store, so both stores find the same nodes.
 */
import type { CompiledOntology } from '../../core/ontology/model.ts';
import { parseSearch, searchCursor, searchOffset, toFts5 } from '../../core/search/query.ts';
import { pageSize } from '../../core/store/limits.ts';
import type { SearchPage, SearchQuery } from '../../ports/graph-store.ts';
import type { StoreContext } from './context.ts';
import type { SqliteDatabase } from './open.ts';
import { NODE_COLUMNS, rowToNode, type NodeRow } from './rows.ts';
import { scopeFragment } from './scope.ts';
import { planSearch, rankableWords, rankRare } from './search-rank.ts';
import { createSearchWrites, SEARCH_META_KEY, searchLayout } from './search-writes.ts';
import { and, type Fragment } from './sql-filters.ts';

/** Triggers of the first format (the index kept by triggers on `nodes`): dropped when an older file is rebuilt. */
const OLD_TRIGGERS = ['tg_search_ai', 'tg_search_au', 'tg_search_ad'] as const;
/** FTS5 needs a column even when nothing is searchable. */
const NO_COLUMN = '_none';
/** Nodes read per step while the index is built. */
const BUILD_PAGE = 5000;

/** The searchable properties, in column order. */
export function searchColumns(ontology: CompiledOntology): string[] {
  return [...ontology.properties.values()].filter((p) => p.kind === 'datatype' && p.searchable).map((p) => p.name).sort();
}

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The DDL of the index for these columns (exported for inspection in tests). */
export function searchSchema(columns: readonly string[]): string[] {
  const names = (columns.length ? columns : [NO_COLUMN]).map(ident).join(', ');
  return [
    `CREATE TABLE search_docs (docid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE)`,
    `CREATE VIRTUAL TABLE search_text USING fts5(${names}, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0')`,
  ];
}

/** Creates (or, when its stored layout differs, rebuilds) the index. One IMMEDIATE transaction; idempotent. */
export function ensureSearchIndex(db: SqliteDatabase, ontology: CompiledOntology): void {
  const columns = searchColumns(ontology);
  const want = searchLayout(columns);
  db.transaction(() => {
    const have = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(SEARCH_META_KEY) as string | undefined;
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'search_text'").get() !== undefined;
    if (have === want && exists) return;
    for (const t of OLD_TRIGGERS) db.exec(`DROP TRIGGER IF EXISTS ${t}`);
    db.exec('DROP TABLE IF EXISTS search_text');
    db.exec('DROP TABLE IF EXISTS search_docs');
    for (const s of searchSchema(columns)) db.exec(s);
    buildIndex(db, columns);
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(SEARCH_META_KEY, want);
  }).immediate();
}

/** Indexes every node, a page at a time (better-sqlite3 runs no other statement while an iterator is open). */
function buildIndex(db: SqliteDatabase, columns: readonly string[]): void {
  if (columns.length === 0) return;
  const writes = createSearchWrites(db);
  const page = db.prepare('SELECT id, props FROM nodes WHERE id > ? ORDER BY id LIMIT ?');
  for (let after = ''; ; ) {
    const rows = page.all(after, BUILD_PAGE) as { id: string; props: string }[];
    for (const r of rows) writes.insert(r.id, r.props, columns);
    const last = rows[rows.length - 1];
    if (!last || rows.length < BUILD_PAGE) return;
    after = last.id;
  }
}

type HitRow = NodeRow & { score: number };

/**
 * A page of ranked hits. A query pairing a rare word with common ones is ranked by search-rank.ts (the same BM25
 * without FTS5's walk of the common words' lists); every other query by FTS5's `bm25()`. The plan and that ranking
 * run in one read transaction, so both see one state of the index. `ranking: 'fts5'` always asks FTS5 (the tests
 * and the search bench compare the two).
 */
export function search(ctx: StoreContext, q: SearchQuery, ranking: 'auto' | 'fts5' = 'auto'): SearchPage {
  const terms = parseSearch(q.text);
  const offset = searchOffset(q.after);
  const first = pageSize(q.first);
  const exists = ctx.stmt("SELECT 1 FROM sqlite_master WHERE name = 'search_text'").get() !== undefined;
  if (!exists || first === 0) return { items: [], hasNextPage: false };
  const classes: Fragment | undefined = q.classes?.length
    ? { sql: 'EXISTS (SELECT 1 FROM node_labels sl WHERE sl.id = n.id AND sl.label IN (SELECT value FROM json_each(?)))', params: [JSON.stringify(q.classes)] }
    : undefined;
  const match = toFts5(terms);
  const where = and([{ sql: 'search_text MATCH ?', params: [match] }, classes, scopeFragment(q.scope)]);
  const ranked = (): HitRow[] =>
    ctx
      .stmt(
        `SELECT ${NODE_COLUMNS}, -bm25(search_text) AS score FROM search_text JOIN search_docs d ON d.docid = search_text.rowid
         JOIN nodes n ON n.id = d.id WHERE ${where.sql} ORDER BY bm25(search_text), n.id LIMIT ? OFFSET ?`,
      )
      .all(...where.params, first + 1, offset) as HitRow[];
  const words = ranking === 'auto' ? rankableWords(terms) : undefined;
  const rows = !words
    ? ranked()
    : ctx.db.transaction((): HitRow[] => {
        const plan = planSearch(ctx, words, match);
        if (plan.kind === 'empty') return [];
        const mine = plan.kind === 'rare' ? rankRare(ctx, plan, where) : undefined;
        return mine ? mine.slice(offset, offset + first + 1).map((r) => ({ ...r.row, score: r.score })) : ranked();
      })();
  const items = rows.slice(0, first).map((r, i) => ({ node: rowToNode(r), score: r.score, cursor: searchCursor(offset + i + 1) }));
  const last = items[items.length - 1];
  return { items, hasNextPage: rows.length > first, ...(last && { endCursor: last.cursor }) };
}
