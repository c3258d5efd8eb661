/**
 * Opening the configured graph store, for every command that needs one (the runtime, `migrate`, `replay`). The
 * adapter is imported lazily so the other store's driver is never loaded. What is opened beside the store (dead
 * letters, a migration target) is closed with it.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CompiledOntology } from '../core/ontology/model.ts';
import type { DeadLetterStore } from '../ports/dead-letters.ts';
import type { GraphStore } from '../ports/graph-store.ts';
import type { MigrationTarget } from '../ports/migration-target.ts';
import type { StoreConfig } from './config.ts';

export interface OpenStoreOptions {
  /** Known up front (else set by `store.init`). */
  readonly ontology?: CompiledOntology;
}

/** An open graph store and what may be opened beside it. */
export interface OpenedStore {
  readonly store: GraphStore;
  /** Dead letters kept beside the store: SQLite in the same file; Neo4j in a local SQLite file. */
  deadLetters(): Promise<DeadLetterStore>;
  /** The store as a migration target (`trailgraph migrate`). */
  migrationTarget(): Promise<MigrationTarget>;
  /** Closes what was opened beside the store, then the store. Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens the store that `config` names. A SQLite file's folder is created when missing; `:memory:` (`--store
 * memory:`) is a private in-memory SQLite database whose dead letters live in the same memory.
 */
export async function openStore(config: StoreConfig, { ontology }: OpenStoreOptions = {}): Promise<OpenedStore> {
  return config.kind === 'sqlite' ? openSqlite(config.path, ontology) : openNeo4j(config, ontology);
}

async function openSqlite(path: string, ontology: CompiledOntology | undefined): Promise<OpenedStore> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const { createSqliteStore, createSqliteDeadLetters } = await import('../adapters/sqlite/index.ts');
  const store = createSqliteStore({ path, ...(ontology && { ontology }) });
  let closing: Promise<void> | undefined;
  return {
    store,
    deadLetters: () => Promise.resolve(createSqliteDeadLetters({ db: store.db })),
    async migrationTarget() {
      const { createSqliteMigrationTarget } = await import('../adapters/sqlite/migration-target.ts');
      return createSqliteMigrationTarget(store.db);
    },
    close: () => (closing ??= store.close()),
  };
}

async function openNeo4j(config: Extract<StoreConfig, { kind: 'neo4j' }>, ontology: CompiledOntology | undefined): Promise<OpenedStore> {
  const { createNeo4jStore } = await import('../adapters/neo4j/index.ts');
  const connection = { uri: config.uri, user: config.user, password: config.password, ...(config.database && { database: config.database }) };
  const store = createNeo4jStore({ ...connection, ...(ontology && { ontology }) });
  const beside: (() => Promise<void>)[] = [];
  let closing: Promise<void> | undefined;
  return {
    store,
    async deadLetters() {
      const { createSqliteDeadLetters } = await import('../adapters/sqlite/index.ts');
      mkdirSync(dirname(config.deadLettersPath), { recursive: true });
      const letters = createSqliteDeadLetters({ path: config.deadLettersPath });
      beside.push(() => letters.close());
      return letters;
    },
    async migrationTarget() {
      const { createExecutor } = await import('../adapters/neo4j/executor.ts');
      const { createNeo4jMigrationTarget } = await import('../adapters/neo4j/migration-target.ts');
      const exec = createExecutor(connection);
      beside.push(() => exec.close());
      return createNeo4jMigrationTarget(exec);
    },
    close: () => (closing ??= (async () => {
      for (const close of beside.reverse()) await close();
      await store.close();
    })()),
  };
}
