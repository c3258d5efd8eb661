/**
 * The stores an integration test runs against: a SQLite file, and the real Neo4j of the test run
 * (test/support/neo4j-server.ts). A test parametrised by store writes its body once:
 *
 *   for (const s of await storesUnderTest()) void describe(`… (${s.kind})`, { skip: s.skip }, () => { … s.fresh() … });
 *
 * `fresh()` gives an empty store of that kind (Neo4j: the one user database wiped) and a `locator` a child
 * process can open with openStoreAt() — a SQLite path, or the Bolt URI (password from NEO4J_PASSWORD).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExecutor } from '../../src/adapters/neo4j/executor.ts';
import { createNeo4jStore } from '../../src/adapters/neo4j/index.ts';
import { createNeo4jMigrationTarget } from '../../src/adapters/neo4j/migration-target.ts';
import { createSqliteStore, type SqliteGraphStore } from '../../src/adapters/sqlite/index.ts';
import { createSqliteMigrationTarget } from '../../src/adapters/sqlite/migration-target.ts';
import type { CompiledOntology } from '../../src/core/ontology/model.ts';
import type { GraphStore } from '../../src/ports/graph-store.ts';
import type { MigrationTarget } from '../../src/ports/migration-target.ts';
import { neo4jForTests, neo4jWanted, resetNeo4j, type Neo4jConnection } from './neo4j-server.ts';

export type StoreKind = 'sqlite' | 'neo4j';

/** An empty store for one test, and where a child process finds it. */
export interface FreshStore {
  readonly kind: StoreKind;
  /** A SQLite file path or a Bolt URI. */
  readonly locator: string;
  /** A new connection to the same store (each caller closes its own). */
  open(ontology?: CompiledOntology): GraphStore;
  /** Removes what the store left behind (SQLite: its temp dir). */
  cleanup(): void;
}

export interface StoreUnderTest {
  readonly kind: StoreKind;
  /** Set when this store cannot run here (only outside CI: in CI neo4jForTests throws instead). */
  readonly skip?: string;
  /** An empty store of this kind; with `schema`, Neo4j's constraints and indexes are dropped too. */
  fresh(options?: { schema?: boolean }): Promise<FreshStore>;
}

const isBolt = (locator: string): boolean => /^(bolt|neo4j)(\+s|\+ssc)?:\/\//.test(locator);

/** Opens the store at `locator` (a SQLite path or a Bolt URI; the Neo4j password comes from NEO4J_PASSWORD). */
export function openStoreAt(locator: string, ontology?: CompiledOntology): GraphStore {
  if (isBolt(locator)) {
    return createNeo4jStore({ uri: locator, user: process.env.NEO4J_USER ?? 'neo4j', password: process.env.NEO4J_PASSWORD ?? '', ...(ontology && { ontology }) });
  }
  return createSqliteStore({ path: locator, busyTimeoutMs: 30_000, ...(ontology && { ontology }) });
}

/**
 * The migration target of the store at `fresh`: SQLite's on `store`'s own connection (which must be a SQLite
 * store opened by `fresh.open()`), Neo4j's on a driver of its own — each call a new target, as another process
 * would make.
 */
export function migrationTargetOf(fresh: FreshStore, store: GraphStore): { target: MigrationTarget; close(): Promise<void> } {
  if (fresh.kind === 'sqlite') return { target: createSqliteMigrationTarget((store as SqliteGraphStore).db), close: async () => {} };
  const exec = createExecutor({ uri: fresh.locator, user: process.env.NEO4J_USER ?? 'neo4j', password: process.env.NEO4J_PASSWORD ?? '' });
  return { target: createNeo4jMigrationTarget(exec), close: () => exec.close() };
}

function sqlite(): StoreUnderTest {
  return {
    kind: 'sqlite',
    async fresh() {
      const dir = mkdtempSync(join(tmpdir(), 'tg-store-'));
      const path = join(dir, 'graph.db');
      return { kind: 'sqlite', locator: path, open: (o) => openStoreAt(path, o), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    },
  };
}

function neo4j(c: Neo4jConnection): StoreUnderTest {
  // Child processes open the store by URI: they need the password in their environment too.
  process.env.NEO4J_PASSWORD ??= c.password;
  process.env.NEO4J_USER ??= c.user;
  return {
    kind: 'neo4j',
    async fresh(options = {}) {
      await resetNeo4j(c, options);
      return { kind: 'neo4j', locator: c.uri, open: (o) => openStoreAt(c.uri, o), cleanup: () => {} };
    },
  };
}

/**
 * SQLite, and Neo4j (skipped with the reason when it cannot run here outside CI). TRAILGRAPH_TEST_STORES=sqlite
 * leaves Neo4j out altogether (CI's second Node version reruns the suite on SQLite only).
 */
export async function storesUnderTest(): Promise<StoreUnderTest[]> {
  if (!neo4jWanted()) return [sqlite()];
  const neo = await neo4jForTests();
  const second: StoreUnderTest = 'skip' in neo
    ? { kind: 'neo4j', skip: neo.skip, fresh: () => Promise.reject(new Error(neo.skip)) }
    : neo4j(neo.connection);
  return [sqlite(), second];
}
