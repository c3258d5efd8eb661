/**
 * The shared GraphStore contract suite against a real Neo4j (test/support/neo4j-server.ts: the run's shared server,
 * or one started for this file). Each test gets a wiped database; the constraints stay (init() is idempotent).
 *
 *   npm run test:neo4j        or, alone:   node --import tsx --test test/adapters/neo4j/neo4j-store.int.spec.ts
 */
import { test } from 'node:test';
import { createNeo4jStore } from '../../../src/adapters/neo4j/index.ts';
import { graphStoreContract } from '../../contract/graph-store.contract.ts';
import { neo4jForTests, resetNeo4j } from '../../support/neo4j-server.ts';

const neo = await neo4jForTests();
if ('skip' in neo) {
  void test('GraphStore contract: neo4j', { skip: neo.skip }, () => {});
} else {
  const c = neo.connection;
  await resetNeo4j(c, { schema: true });
  graphStoreContract('neo4j', async () => {
    await resetNeo4j(c);
    const store = createNeo4jStore({ uri: c.uri, user: c.user, password: c.password });
    return { store, cleanup: () => store.close() };
  });
}
