import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse, validate } from 'graphql';
import { marksTypeDefs } from '../../src/api/marks/sdl.ts';
import { loadPersistedOperations } from '../../src/api/persisted-operations.ts';
import { createSchema } from '../../src/api/schema/index.ts';
import { loadOntologySync } from '../../src/app/ontology/ontology-loader.ts';

// The operations agents use must stay valid against the schema generated from the REAL referral ontology:
// an ontology change that breaks one fails here, before an agent finds out in production.
// serve adds the marks layer (signal marks, claims, Subscription.marks); validating documents needs only its SDL.
const schema = createSchema(loadOntologySync('ontology/referral'), [{ typeDefs: marksTypeDefs }]);
const ops = loadPersistedOperations('queries');

void test('queries/ holds the agents’ operations', () => {
  assert.ok(ops.length >= 6, `found ${ops.length}`);
});

for (const op of ops) {
  void test(`queries/${op.name}.graphql is valid against the referral schema`, () => {
    const errors = validate(schema, parse(op.document));
    assert.deepEqual(errors.map((e) => e.message), []);
  });
}
