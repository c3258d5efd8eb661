/** The Neo4j store's start-up decisions and messages: tolerated schema refusals, missing constraints. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Neo4jError } from 'neo4j-driver';
import { ConfigError } from '../../../src/core/errors.ts';
import { REQUIRED_CONSTRAINTS } from '../../../src/adapters/neo4j/cypher/schema.ts';
import { mapError } from '../../../src/adapters/neo4j/executor.ts';
import { checkConstraints, isSchemaForbidden } from '../../../src/adapters/neo4j/startup.ts';

const options = { uri: 'bolt://db:7687', user: 'svc', password: 'pw' };
const neoError = (code: string): Neo4jError => new Neo4jError('no', code, '50N42', 'error');

void test('a schema statement refused for lack of rights is tolerated (the constraint check decides), other failures are not', () => {
  const forbidden = neoError('Neo.ClientError.Security.Forbidden');
  assert.equal(isSchemaForbidden(forbidden), true);
  assert.equal(isSchemaForbidden(mapError(forbidden, options)), true, 'also once the executor wrapped it in a ConfigError');
  assert.equal(isSchemaForbidden(mapError(neoError('Neo.ClientError.Security.Unauthorized'), options)), false);
  assert.equal(isSchemaForbidden(mapError(neoError('ServiceUnavailable'), options)), false);
  assert.equal(isSchemaForbidden(new Error('boom')), false);
});

void test('all required constraints present: start-up goes on', () => {
  assert.doesNotThrow(() => checkConstraints([...REQUIRED_CONSTRAINTS, 'tg_Patient_id']));
});

void test('missing constraints: a ConfigError that names each one and says how to create them', () => {
  assert.throws(
    () => checkConstraints(['tg_node_id', 'tg_meta_key']),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.setting, 'TRAILGRAPH_NEO4J_USER');
      assert.match(err.message, /lacks the constraints tg_ledger_key, tg_ledger_seq, tg_ledger_node_ref /);
      assert.match(err.message, /trailgraph neo4j schema \| cypher-shell/);
      assert.match(err.message, /give TRAILGRAPH_NEO4J_USER schema rights/);
      return true;
    },
  );
  assert.throws(() => checkConstraints([]), /tg_node_id, tg_ledger_key, tg_ledger_seq, tg_meta_key, tg_ledger_node_ref/);
});
