/** The embedded SQLite adapters: the graph store (on a file, or in memory) and the dead-letter store. */
export { createSqliteStore, type SqliteGraphStore, type SqliteStoreOptions } from './store.ts';
export { createMemoryStore, MEMORY_PATH } from './memory.ts';
export { createSqliteDeadLetters, type SqliteDeadLetterStore } from './dead-letters.ts';
export type { OpenOptions } from './open.ts';
