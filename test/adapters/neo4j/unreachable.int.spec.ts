/**
 * The Neo4j store against a real closed port (no server needed): the driver's own connection failure must come out
 * of init() as a retryable StoreUnavailableError that names the URI; a URI that is not a Neo4j URI is a ConfigError.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { ConfigError, StoreUnavailableError } from '../../../src/core/errors.ts';
import { createNeo4jStore } from '../../../src/adapters/neo4j/index.ts';
import { clinicOntology } from '../../fixtures/clinic-ontology.ts';

/** A port nothing listens on: bind an ephemeral one, then free it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

void test('an unreachable server makes init() fail with a retryable StoreUnavailableError naming the URI', async () => {
  const uri = `bolt://127.0.0.1:${await closedPort()}`;
  const store = createNeo4jStore({ uri, user: 'neo4j', password: 'secret-password' });
  try {
    await assert.rejects(store.init(clinicOntology()), (err: unknown) => {
      assert.ok(err instanceof StoreUnavailableError, String(err));
      assert.equal(err.retryable, true);
      assert.ok(err.message.includes(uri));
      assert.match(err.message, /ServiceUnavailable/);
      assert.ok(!err.message.includes('secret-password'));
      return true;
    });
  } finally {
    await store.close();
  }
});

void test('a URI that is not a Neo4j URI is a ConfigError on TRAILGRAPH_STORE', () => {
  assert.throws(() => createNeo4jStore({ uri: 'http://localhost:7474', user: 'neo4j', password: 'x' }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.setting, 'TRAILGRAPH_STORE');
    assert.match(err.message, /use neo4j:\/\/host:7687 or bolt:\/\/host:7687/);
    return true;
  });
});
