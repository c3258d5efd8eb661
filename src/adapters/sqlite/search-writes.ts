/**
 * The full-text index's share of a write transaction. Every code path that writes `nodes` reports the node here
 * (created, updated, deleted); `transaction` writes the index rows of all of them as the transaction's last statements,
 * so a node never commits without its index row. Why at the end and not per row (triggers did that): FTS5 writes
 * its pending terms out as a new segment whenever a later statement of the transaction opens a statement
 * savepoint — a row trigger makes every node INSERT open one — so index rows written between the graph's own
 * statements cost a segment flush and merge each (~45 µs per node measured, against ~4 µs written together).
 *
 * What a node contributes to a column: the property's string value, or its list's string values joined by a space;
 * nothing else. A node with no such text has no index row at all.
 */
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './open.ts';

/** The meta key holding the index's layout (format and columns); see search.ts. */
export const SEARCH_META_KEY = 'search.columns';
/**
 * The index's format, stored with its columns: a store file whose stored layout differs is rebuilt on open.
 * 2 = contentless FTS5 table written by the application at commit (1 was a content table kept by triggers).
 */
export const SEARCH_FORMAT = 2;

/** Properties as stored (JSON text) or parsed. */
export type NodeProps = Readonly<Record<string, unknown>> | string;

/** The layout string stored in meta for these columns. */
export function searchLayout(columns: readonly string[]): string {
  return JSON.stringify({ format: SEARCH_FORMAT, columns });
}

/** The text of each column for these properties, or undefined when the node has none to index. */
export function columnTexts(props: NodeProps, columns: readonly string[]): (string | null)[] | undefined {
  const p = typeof props === 'string' ? (JSON.parse(props) as Record<string, unknown>) : props;
  let any = false;
  const out = columns.map((c) => {
    const t = textOf(p[c]);
    if (t !== null) any = true;
    return t;
  });
  return any ? out : undefined;
}

function textOf(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v)) return null;
  const words = v.filter((x): x is string => typeof x === 'string');
  return words.length ? words.join(' ') : null;
}

interface Pending {
  /** Current properties; null = deleted. */
  props: NodeProps | null;
  /** Did not exist before this transaction (so it has no index row yet). */
  readonly created: boolean;
  /** Properties before this transaction, when the writer knew them (an unchanged text is not rewritten). */
  readonly before?: NodeProps;
}

/** The index writes of one connection's open write transaction. */
export interface SearchWrites {
  /** A node inserted in this transaction. */
  created(id: string, props: NodeProps): void;
  /** A node whose properties changed; `before` (its properties before) lets an unchanged text skip the index. */
  updated(id: string, props: NodeProps, before?: NodeProps): void;
  /** A node deleted in this transaction. */
  deleted(id: string): void;
  /**
   * Runs `fn` in a `BEGIN IMMEDIATE` transaction whose last statements write the index rows of the nodes `fn`
   * reported; if it rolls back, the queue is forgotten with it.
   */
  transaction<T>(fn: () => T): T;
  /** Writes one node's row into an index being built (no queue, no lookups: the node has no row yet). */
  insert(id: string, props: NodeProps, columns: readonly string[]): void;
}

/** The index writes for `db`; one per connection that writes nodes. */
export function createSearchWrites(db: SqliteDatabase): SearchWrites {
  const pending = new Map<string, Pending>();
  const cache = new Map<string, Statement>();
  const stmt = (sql: string): Statement => {
    let s = cache.get(sql);
    if (!s) cache.set(sql, (s = db.prepare(sql)));
    return s;
  };
  let layout: { raw: string; columns: readonly string[] } | undefined;

  /** The columns of the index as this file has it now (another process may have rebuilt it); undefined = no index of this format. */
  const currentColumns = (): readonly string[] | undefined => {
    const raw = stmt('SELECT value FROM meta WHERE key = ?').pluck().get(SEARCH_META_KEY) as string | undefined;
    if (raw === undefined) return undefined;
    if (layout?.raw !== raw) {
      const parsed = JSON.parse(raw) as { format?: number; columns?: string[] } | string[];
      // An older format keeps itself up to date (its triggers) until init rebuilds it.
      if (Array.isArray(parsed) || parsed.format !== SEARCH_FORMAT || !parsed.columns) return undefined;
      layout = { raw, columns: parsed.columns };
    }
    return layout.columns;
  };

  const insertRow = (id: string, texts: (string | null)[], columns: readonly string[]): void => {
    // OR IGNORE: a leftover row for this id (never expected) must not fail the write; it is then replaced.
    const res = stmt('INSERT OR IGNORE INTO search_docs (id) VALUES (?)').run(id);
    if (res.changes === 1) stmt(ftsInsert(columns, 'INSERT')).run(res.lastInsertRowid, ...texts);
    else stmt(ftsInsert(columns, 'REPLACE')).run(docOf(id), ...texts);
  };
  const docOf = (id: string): number | bigint | undefined => stmt('SELECT docid FROM search_docs WHERE id = ?').pluck().get(id) as number | undefined;

  const write = (id: string, p: Pending, columns: readonly string[]): void => {
    const texts = p.props === null ? undefined : columnTexts(p.props, columns);
    if (p.created) {
      if (texts) insertRow(id, texts, columns);
      return;
    }
    if (p.props !== null && p.before !== undefined && sameTexts(texts, columnTexts(p.before, columns))) return;
    const docid = docOf(id);
    if (docid === undefined) {
      if (texts) insertRow(id, texts, columns);
    } else if (texts) {
      stmt(ftsInsert(columns, 'REPLACE')).run(docid, ...texts);
    } else {
      stmt('DELETE FROM search_text WHERE rowid = ?').run(docid);
      stmt('DELETE FROM search_docs WHERE docid = ?').run(docid);
    }
  };

  const flush = (): void => {
    if (pending.size === 0) return;
    const columns = currentColumns();
    if (columns) for (const [id, p] of pending) write(id, p, columns);
  };

  return {
    created(id, props) {
      const was = pending.get(id);
      pending.set(id, { props, created: was?.created ?? true });
    },
    updated(id, props, before) {
      const was = pending.get(id);
      pending.set(id, was ? { ...was, props } : { props, created: false, ...(before !== undefined && { before }) });
    },
    deleted(id) {
      const was = pending.get(id);
      pending.set(id, { props: null, created: was?.created ?? false });
    },
    transaction(fn) {
      try {
        return db.transaction(() => {
          const out = fn();
          flush();
          return out;
        }).immediate();
      } finally {
        pending.clear();
      }
    },
    insert(id, props, columns) {
      const texts = columnTexts(props, columns);
      if (texts) insertRow(id, texts, columns);
    },
  };
}

function sameTexts(a: (string | null)[] | undefined, b: (string | null)[] | undefined): boolean {
  if (!a || !b) return a === b;
  return a.every((t, i) => t === b[i]);
}

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

function ftsInsert(columns: readonly string[], verb: 'INSERT' | 'REPLACE'): string {
  return `${verb} INTO search_text (rowid, ${columns.map(ident).join(', ')}) VALUES (?${', ?'.repeat(columns.length)})`;
}
