/**
 * Ranking a search that pairs a rare word with a common one ("cardiologist Moss", "patient 123456") without
 * FTS5's `bm25()`. That function counts the documents of every query term by walking the term's whole posting
 * list, once per query: at 1M nodes "patient 123456" paid ~12 ms for the 333k patients who have "patient", though
 * one document matches. Here the same BM25 (core/search/bm25.ts, FTS5's formula and constants) is computed from
 * what the index keeps anyway:
 * - the hits: the MATCH alone, which FTS5 answers by skipping through the common word's list;
 * - each word's document count: an fts5vocab `row` table — for a common word that is a walk of its list too, so
 *   the count is cached per connection for as long as the index is unchanged (its structure and averages records,
 *   which every write to the index changes, are the cache key);
 * - the row count and total length: FTS5's averages record (varints: rows, then each column's tokens);
 * - a hit's length: FTS5's docsize record; a word's frequency in a hit: counted in the hit's stored text.
 * Each hit's token count per column is checked against the docsize record; on any disagreement (a character
 * JavaScript lowercases unlike FTS5's folding) the search goes the FTS5 way, so this path's scores are FTS5's.
 */
import { bm25Idf, bm25Score, documentTokens } from '../../core/search/bm25.ts';
import type { SearchTerm } from '../../core/search/query.ts';
import type { StoreContext } from './context.ts';
import type { SqliteDatabase } from './open.ts';
import { NODE_COLUMNS, type NodeRow } from './rows.ts';
import { columnTexts, SEARCH_META_KEY } from './search-writes.ts';
import type { Fragment } from './sql-filters.ts';

/** Most hits a query ranked here may have (beyond, FTS5 ranks them: the result set is large anyway). */
export const MAX_HITS = 1000;
/**
 * What scoring one hit here costs, in postings FTS5's bm25() walks in the same time (measured: 10–30 µs per hit — the
 * node and docsize reads dominate — against 35–100 ns per posting). The path is taken when the hits cost less than
 * the walk it saves.
 */
export const HIT_COST_IN_POSTINGS = 300;
/** Common words whose document counts a connection keeps, and the count from which a word is kept. */
const CACHED_WORDS = 256;
const CACHE_FROM_DOCS = 1000;

/** How a search is answered: by FTS5's bm25(), by nothing (a word no document has), or here. */
export type SearchPlan = { readonly kind: 'fts5' } | { readonly kind: 'empty' } | { readonly kind: 'rare'; readonly words: readonly string[]; readonly docs: readonly number[] };

interface IndexState {
  /** The structure and averages records: every write to the index changes one of them. */
  readonly key: string;
  readonly rows: number;
  readonly avgLength: number;
}

interface ConnectionCache {
  key: string;
  readonly docs: Map<string, number>;
}
const caches = new WeakMap<SqliteDatabase, ConnectionCache>();

/** SQLite varints as FTS5 writes them (big-endian, 7 bits a byte, the ninth byte whole). */
export function fts5Varints(buf: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < buf.length; ) {
    let v = 0;
    for (let k = 0; ; k++) {
      const byte = buf[i++] ?? 0;
      if (k === 8) {
        v = v * 256 + byte;
        break;
      }
      v = v * 128 + (byte & 0x7f);
      if (!(byte & 0x80) || i >= buf.length) break;
    }
    out.push(v);
  }
  return out;
}

function indexState(ctx: StoreContext): IndexState | undefined {
  const record = ctx.stmt('SELECT block FROM search_text_data WHERE id = ?').pluck();
  const averages = record.get(1) as Buffer | undefined;
  const structure = record.get(10) as Buffer | undefined;
  if (!averages || !structure) return undefined;
  const [rows = 0, ...columns] = fts5Varints(averages);
  if (rows <= 0) return undefined;
  return { key: `${structure.toString('base64')}.${averages.toString('base64')}`, rows, avgLength: columns.reduce((a, b) => a + b, 0) / rows };
}

/** The fts5vocab table over `search_text`, in this connection's temp schema (nothing is added to the file). */
const vocabReady = new WeakSet<SqliteDatabase>();
function vocab(ctx: StoreContext): void {
  if (vocabReady.has(ctx.db)) return;
  ctx.db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab USING fts5vocab(main, search_text, row)');
  vocabReady.add(ctx.db);
}

/** Documents having `word`; a common word's count is cached while the index is unchanged. */
function docsOf(ctx: StoreContext, state: IndexState, word: string): number {
  let cache = caches.get(ctx.db);
  if (!cache || cache.key !== state.key) caches.set(ctx.db, (cache = { key: state.key, docs: new Map() }));
  const cached = cache.docs.get(word);
  if (cached !== undefined) return cached;
  const docs = (ctx.stmt('SELECT doc FROM temp.search_vocab WHERE term = ?').pluck().get(word) as number | undefined) ?? 0;
  if (docs >= CACHE_FROM_DOCS) {
    if (cache.docs.size >= CACHED_WORDS) cache.docs.clear();
    cache.docs.set(word, docs);
  }
  return docs;
}

/** The words of a query this module may rank: two or more, every term a plain word (no prefix, no phrase). */
export function rankableWords(terms: readonly SearchTerm[]): string[] | undefined {
  const words = terms.flatMap((t) => (t.kind === 'word' && !t.prefix ? [t.word] : []));
  return words.length >= 2 && words.length === terms.length ? words : undefined;
}

/**
 * How to answer a query of these words (rankableWords; `match` its FTS5 query): here when it has at most MAX_HITS
 * hits and the walk of the words' lists that FTS5 would make costs more than scoring those hits; empty when nothing
 * matches; else FTS5. Call inside a read transaction with the ranking, so both see one state of the index.
 */
export function planSearch(ctx: StoreContext, words: readonly string[], match: string): SearchPlan {
  // The AND of the words, unranked: FTS5 skips through the common lists here, it does not walk them.
  const hits = ctx.stmt(`SELECT rowid FROM search_text WHERE search_text MATCH ? LIMIT ${MAX_HITS + 1}`).pluck().all(match).length;
  if (hits === 0) return { kind: 'empty' };
  if (hits > MAX_HITS) return { kind: 'fts5' };
  const state = indexState(ctx);
  if (!state) return { kind: 'fts5' };
  vocab(ctx);
  const docs = words.map((w) => docsOf(ctx, state, w));
  const walk = docs.reduce((a, b) => a + b, 0);
  return hits * HIT_COST_IN_POSTINGS < walk ? { kind: 'rare', words, docs } : { kind: 'fts5' };
}

/** A scored hit. */
export interface RankedRow {
  readonly row: NodeRow;
  readonly score: number;
}

/**
 * Every hit of a `rare` plan, scored and in FTS5's order (score descending, then id), or undefined when a hit's
 * stored text does not tokenize to the index's counts (the caller then asks FTS5). `where` is the search's filter
 * (MATCH, classes, scope) over `search_text` and `n`.
 */
export function rankRare(ctx: StoreContext, plan: Extract<SearchPlan, { kind: 'rare' }>, where: Fragment): RankedRow[] | undefined {
  const state = indexState(ctx);
  const columns = indexColumns(ctx);
  if (!state || !columns) return undefined;
  const idfs = plan.docs.map((d) => bm25Idf(state.rows, d));
  const hits = ctx
    .stmt(
      `SELECT ${NODE_COLUMNS}, z.sz AS sz FROM search_text JOIN search_docs d ON d.docid = search_text.rowid
       JOIN nodes n ON n.id = d.id JOIN search_text_docsize z ON z.id = search_text.rowid WHERE ${where.sql}`,
    )
    .all(...where.params) as (NodeRow & { sz: Buffer })[];
  const ranked: RankedRow[] = [];
  for (const { sz, ...row } of hits) {
    const sizes = fts5Varints(sz);
    const texts = columnTexts(row.props, columns) ?? [];
    const freqs = plan.words.map(() => 0);
    for (let c = 0; c < columns.length; c++) {
      const tokens = documentTokens(texts[c] ?? '');
      if (tokens.length !== (sizes[c] ?? 0)) return undefined;
      for (const t of tokens) plan.words.forEach((w, i) => { if (t === w) freqs[i]! += 1; });
    }
    if (freqs.includes(0)) return undefined;
    ranked.push({ row, score: bm25Score(idfs, freqs, sizes.reduce((a, b) => a + b, 0), state.avgLength) });
  }
  return ranked.sort((a, b) => b.score - a.score || byteOrder(a.row.id, b.row.id));
}

/**
 * SQLite's BINARY collation of UTF-8 text, which the FTS5 path's `ORDER BY n.id` uses, without encoding: UTF-16
 * order agrees with UTF-8 order except that characters beyond U+FFFF (surrogates) sort after U+E000–U+FFFF.
 */
export function byteOrder(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return utf8Rank(x) - utf8Rank(y);
  }
  return a.length - b.length;
}

const utf8Rank = (u: number): number => (u >= 0xd800 && u <= 0xdfff ? u + 0x2000 : u >= 0xe000 ? u - 0x800 : u);

/** The index's columns as its stored layout names them (format 1 stored the bare list). */
function indexColumns(ctx: StoreContext): readonly string[] | undefined {
  const raw = ctx.stmt('SELECT value FROM meta WHERE key = ?').pluck().get(SEARCH_META_KEY) as string | undefined;
  if (raw === undefined) return undefined;
  const parsed = JSON.parse(raw) as { columns?: string[] } | string[];
  return Array.isArray(parsed) ? parsed : parsed.columns;
}
