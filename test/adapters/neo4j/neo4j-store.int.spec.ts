/**
 * The shared GraphStore contract suite against a real Neo4j 5, whenever NEO4J_URI is set:
 *
 *   NEO4J_URI=bolt://localhost:7687 NEO4J_USER=neo4j NEO4J_PASSWORD=… node --import tsx --test test/adapters/neo4j/neo4j-store.int.spec.ts
 *
 * Each test gets a wiped database (every node and relationship deleted; the constraints stay, init() is
 * idempotent). No Neo4j can run on the development machines, so without NEO4J_URI the suite is skipped, loudly.
 */
import { test } from 'node:test';
import neo4j from 'neo4j-driver';
import { createNeo4jStore } from '../../../src/adapters/neo4j/index.ts';
import { graphStoreContract } from '../../contract/graph-store.contract.ts';

const uri = process.env.NEO4J_URI;
const user = process.env.NEO4J_USER ?? 'neo4j';
const password = process.env.NEO4J_PASSWORD ?? '';
const database = process.env.NEO4J_DATABASE;

async function wipe(): Promise<void> {
  const driver = neo4j.driver(uri!, neo4j.auth.basic(user, password));
  try {
    const session = driver.session({ ...(database !== undefined && { database }) });
    try {
      await session.run('MATCH (n) DETACH DELETE n');
    } finally {
      await session.close();
    }
  } finally {
    await driver.close();
  }
}

if (!uri) {
  void test('GraphStore contract: neo4j', { skip: 'NEO4J_URI is not set — start Neo4j (docker-compose up neo4j) and set NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD to run the contract suite against it' }, () => {});
} else {
  graphStoreContract('neo4j', async () => {
    await wipe();
    const store = createNeo4jStore({ uri, user, password, ...(database !== undefined && { database }) });
    return { store, cleanup: () => store.close() };
  });
}
