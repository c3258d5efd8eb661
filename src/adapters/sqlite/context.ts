/**
 * What every part of the SQLite adapter shares: the connection, a prepared-statement cache (statements are
 * compiled once per store, which matters on the apply hot path), the ontology, the commit notifier, and the
 * full-text index's writes of the open transaction.
 */
import type { Statement } from 'better-sqlite3';
import { SqliteError } from 'better-sqlite3';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import { labelsOf } from '../../core/ontology/model.ts';
import { StoreUnavailableError } from '../../core/errors.ts';
import type { LedgerEntry } from '../../ports/graph-store.ts';
import type { SqliteDatabase } from './open.ts';
import { createSearchWrites, type SearchWrites } from './search-writes.ts';

export interface StoreContext {
  readonly db: SqliteDatabase;
  ontology: CompiledOntology | undefined;
  /** The prepared statement for `sql`, compiled on first use. */
  stmt(sql: string): Statement;
  /** Tells this process's commit listeners about committed ledger entries. */
  notify(entries: readonly LedgerEntry[]): void;
  /** Every write of `nodes` reports the node here; writeTx writes the index rows before it commits. */
  readonly search: SearchWrites;
}

export function createContext(db: SqliteDatabase, ontology: CompiledOntology | undefined, notify: (e: readonly LedgerEntry[]) => void): StoreContext {
  const cache = new Map<string, Statement>();
  return {
    db,
    ontology,
    stmt(sql) {
      let s = cache.get(sql);
      if (!s) {
        s = db.prepare(sql);
        cache.set(sql, s);
      }
      return s;
    },
    notify,
    search: createSearchWrites(db),
  };
}

/** Labels of a class: from the ontology when known, else the class alone. */
export function labelsFor(ctx: StoreContext, className: string): readonly string[] {
  return ctx.ontology ? labelsOf(ctx.ontology, className) : [className];
}

/**
 * Runs `fn` in a `BEGIN IMMEDIATE` transaction (the write lock is taken up front, so no upgrade deadlocks); the
 * outermost one writes the full-text index rows of the nodes `fn` wrote as its last statements.
 */
export function writeTx<T>(ctx: StoreContext, fn: () => T): T {
  if (ctx.db.inTransaction) return guard(() => ctx.db.transaction(fn).immediate());
  return guard(() => ctx.search.transaction(fn));
}

/** Maps lock contention and I/O failures to the retryable StoreUnavailableError; other errors pass through. */
export function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SqliteError && /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|PROTOCOL)/.test(err.code)) {
      throw new StoreUnavailableError(`sqlite store unavailable (${err.code}): ${err.message}; retry later`, { cause: err });
    }
    throw err;
  }
}

/** better-sqlite3 binds no booleans: JSON true/false are 1/0 in SQL. */
export function sqlValue(v: unknown): unknown {
  return typeof v === 'boolean' ? (v ? 1 : 0) : v;
}
