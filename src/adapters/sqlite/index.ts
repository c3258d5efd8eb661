/** The embedded SQLite adapters: the graph store and the dead-letter store. */
export { createSqliteStore, type SqliteGraphStore, type SqliteStoreOptions } from './store.ts';
export { createSqliteDeadLetters, type SqliteDeadLetterStore } from './dead-letters.ts';
export type { OpenOptions } from './open.ts';
