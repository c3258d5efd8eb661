import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/service/config.ts';
import { ConfigError } from '../../src/core/errors.ts';

void test('defaults: port 4000, referral ontology, SQLite under .trailgraph, development', () => {
  const c = loadConfig({}, {});
  assert.equal(c.port, 4000);
  assert.equal(c.ontologyDir, 'ontology/referral');
  assert.deepEqual(c.store, { kind: 'sqlite', path: './.trailgraph/graph.db' });
  assert.equal(c.mode, 'development');
  assert.equal(c.persistedOnly, false);
});

void test('flags win over TRAILGRAPH_* variables; neo4j needs a password', () => {
  const c = loadConfig({ port: '5001' }, { TRAILGRAPH_PORT: '6000', TRAILGRAPH_PERSISTED_ONLY: '1', TRAILGRAPH_MAX_DEPTH: '7' });
  assert.equal(c.port, 5001);
  assert.equal(c.persistedOnly, true);
  assert.equal(c.limits.maxDepth, 7);
  assert.throws(() => loadConfig({ store: 'neo4j://db:7687' }, {}), (e: unknown) => e instanceof ConfigError && /NEO4J_PASSWORD/.test(e.message));
  const n = loadConfig({ store: 'neo4j://db:7687' }, { NEO4J_PASSWORD: 's3cret' });
  assert.equal(n.store.kind, 'neo4j');
});

void test('a bad value names the flag, the variable and what to do', () => {
  assert.throws(() => loadConfig({}, { TRAILGRAPH_PORT: 'eighty' }), (e: unknown) => e instanceof ConfigError && /--port \/ TRAILGRAPH_PORT/.test(e.message) && /port number/.test(e.message));
  assert.throws(() => loadConfig({ mode: 'staging' }, {}), /development or production/);
});

void test('NATS: several servers comma-separated; stream replicas from TRAILGRAPH_NATS_REPLICAS, unset by default', async () => {
  const c = loadConfig({}, { TRAILGRAPH_NATS_URL: 'nats://a:4222, nats://b:4222,nats://c:4222', TRAILGRAPH_NATS_REPLICAS: '3' });
  assert.equal(c.natsReplicas, 3);
  const { natsServers } = await import('../../src/adapters/nats/jetstream-bus.ts');
  assert.deepEqual(natsServers(c.natsUrl ?? ''), ['nats://a:4222', 'nats://b:4222', 'nats://c:4222']);
  assert.equal(loadConfig({}, {}).natsReplicas, undefined, 'unset: an existing stream keeps its replica count');
  assert.throws(() => loadConfig({}, { TRAILGRAPH_NATS_REPLICAS: '7' }), (e: unknown) => e instanceof ConfigError && /TRAILGRAPH_NATS_REPLICAS/.test(e.message));
});
