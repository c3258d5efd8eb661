/**
 * The in-memory graph store: the SQLite adapter on a private `:memory:` database, not a second implementation.
 * It passes the graph-store contract because it is the same code; what differs is only the medium — nothing
 * survives `close()`, no other connection or process can open it, and WAL does not apply. For unit tests that
 * need a store, and `--store memory:` for a throwaway service.
 */
import type { CompiledOntology } from '../../core/ontology/model.ts';
import { createSqliteStore, type SqliteGraphStore } from './store.ts';

/** The database path SQLite reads as "a new private database in memory". */
export const MEMORY_PATH = ':memory:';

/** A fresh, empty, private in-memory store (call `init` as with any store). */
export function createMemoryStore(options: { readonly ontology?: CompiledOntology } = {}): SqliteGraphStore {
  return createSqliteStore({ path: MEMORY_PATH, ...(options.ontology && { ontology: options.ontology }) });
}
