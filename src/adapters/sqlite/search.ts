/**
 * Full-text search on SQLite: an FTS5 table `search_text` with one column per searchable property (phrases never
 * run across two properties, and BM25 weighs each column like Lucene weighs each field), its rows keyed by
 * `search_docs` (node id → FTS rowid; nodes' own rowids are not stable across VACUUM). Triggers on `nodes` keep it
 * in step inside the writing transaction — projection, migrations, deletes — so nothing can commit a node without
 * its index row. `init` rebuilds table and triggers when the ontology's searchable set changes (meta `search.columns`).
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
import { and, type Fragment } from './sql-filters.ts';

const META_KEY = 'search.columns';
const TRIGGERS = ['tg_search_ai', 'tg_search_au', 'tg_search_ad'] as const;
/** FTS5 needs a column even when nothing is searchable. */
const NO_COLUMN = '_none';

/** The searchable properties, in column order. */
export function searchColumns(ontology: CompiledOntology): string[] {
  return [...ontology.properties.values()].filter((p) => p.kind === 'datatype' && p.searchable).map((p) => p.name).sort();
}

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const text = (s: string): string => `'${s.replace(/'/g, "''")}'`;
/** The text a property contributes, from a row alias (`NEW`): its string value, or its list's string values. */
const valueExpr = (alias: string, p: string): string =>
  `(SELECT group_concat(v.value, ' ') FROM json_each(${alias}.props, ${text(`$.${JSON.stringify(p)}`)}) v WHERE v.type = 'text')`;

/** The DDL of the index for these columns (exported for inspection in tests). */
export function searchSchema(columns: readonly string[]): string[] {
  const cols = columns.length ? columns : [NO_COLUMN];
  const names = cols.map(ident).join(', ');
  const values = (alias: string): string => (columns.length ? columns.map((c) => valueExpr(alias, c)).join(', ') : 'NULL');
  const doc = (alias: string): string => `(SELECT docid FROM search_docs WHERE id = ${alias}.id)`;
  // Only a change to a searchable value rewrites the FTS row (an FTS5 update is a delete plus an insert).
  const watched = columns.length ? `json_extract(OLD.props, ${columns.map((c) => text(`$.${JSON.stringify(c)}`)).join(', ')})` : 'NULL';
  const watchedNew = watched.replace('OLD.props', 'NEW.props');
  return [
    `CREATE TABLE search_docs (docid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE)`,
    `CREATE VIRTUAL TABLE search_text USING fts5(${names}, tokenize = 'unicode61 remove_diacritics 0')`,
    `INSERT INTO search_docs (id) SELECT id FROM nodes`,
    `INSERT INTO search_text (rowid, ${names}) SELECT d.docid, ${values('n')} FROM nodes n JOIN search_docs d ON d.id = n.id`,
    `CREATE TRIGGER tg_search_ai AFTER INSERT ON nodes BEGIN
       INSERT OR IGNORE INTO search_docs (id) VALUES (NEW.id);
       INSERT INTO search_text (rowid, ${names}) VALUES (${doc('NEW')}, ${values('NEW')});
     END`,
    `CREATE TRIGGER tg_search_au AFTER UPDATE OF props ON nodes WHEN ${watched} IS NOT ${watchedNew} BEGIN
       UPDATE search_text SET ${cols.map((c, i) => `${ident(c)} = ${columns.length ? valueExpr('NEW', columns[i] as string) : 'NULL'}`).join(', ')} WHERE rowid = ${doc('NEW')};
     END`,
    `CREATE TRIGGER tg_search_ad AFTER DELETE ON nodes BEGIN
       DELETE FROM search_text WHERE rowid = ${doc('OLD')};
       DELETE FROM search_docs WHERE id = OLD.id;
     END`,
  ];
}

/** Creates (or, when the searchable set changed, rebuilds) the index. One IMMEDIATE transaction; idempotent. */
export function ensureSearchIndex(db: SqliteDatabase, ontology: CompiledOntology): void {
  const columns = searchColumns(ontology);
  const want = JSON.stringify(columns);
  db.transaction(() => {
    const have = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(META_KEY) as string | undefined;
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'search_text'").get() !== undefined;
    if (have === want && exists) return;
    for (const t of TRIGGERS) db.exec(`DROP TRIGGER IF EXISTS ${t}`);
    db.exec('DROP TABLE IF EXISTS search_text');
    db.exec('DROP TABLE IF EXISTS search_docs');
    for (const s of searchSchema(columns)) db.exec(s);
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(META_KEY, want);
  }).immediate();
}

type HitRow = NodeRow & { score: number };

/** A page of ranked hits. */
export function search(ctx: StoreContext, q: SearchQuery): SearchPage {
  const match = toFts5(parseSearch(q.text));
  const offset = searchOffset(q.after);
  const first = pageSize(q.first);
  const exists = ctx.stmt("SELECT 1 FROM sqlite_master WHERE name = 'search_text'").get() !== undefined;
  if (!exists || first === 0) return { items: [], hasNextPage: false };
  const classes: Fragment | undefined = q.classes?.length
    ? { sql: 'EXISTS (SELECT 1 FROM node_labels sl WHERE sl.id = n.id AND sl.label IN (SELECT value FROM json_each(?)))', params: [JSON.stringify(q.classes)] }
    : undefined;
  const where = and([{ sql: 'search_text MATCH ?', params: [match] }, classes, scopeFragment(q.scope)]);
  const rows = ctx
    .stmt(
      `SELECT ${NODE_COLUMNS}, -bm25(search_text) AS score FROM search_text JOIN search_docs d ON d.docid = search_text.rowid
       JOIN nodes n ON n.id = d.id WHERE ${where.sql} ORDER BY bm25(search_text), n.id LIMIT ? OFFSET ?`,
    )
    .all(...where.params, first + 1, offset) as HitRow[];
  const items = rows.slice(0, first).map((r, i) => ({ node: rowToNode(r), score: r.score, cursor: searchCursor(offset + i + 1) }));
  const last = items[items.length - 1];
  return { items, hasNextPage: rows.length > first, ...(last && { endCursor: last.cursor }) };
}
