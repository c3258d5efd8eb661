/** `trailgraph ontology sdl` prints the schema serve exposes, for any ontology, as a real process. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { it } from 'node:test';
import { buildSchema, type GraphQLObjectType } from 'graphql';

const sdl = (...args: string[]): string => execFileSync(process.execPath, ['bin/trailgraph.js', 'ontology', 'sdl', ...args], { encoding: 'utf8' });

void it('prints a valid schema for the referral ontology: classes, marks layer, deprecated aliases', () => {
  const text = sdl('ontology/referral');
  const schema = buildSchema(text);
  assert.ok(schema.getType('Referral'), 'Referral type');
  assert.ok(schema.getType('PractitionerLike'), 'interface for a class with subclasses');
  assert.ok(schema.getSubscriptionType()?.getFields().marks, 'Subscription.marks');
  assert.ok(schema.getMutationType()?.getFields().claim, 'Mutation.claim');
  const priority = (schema.getType('Referral') as GraphQLObjectType).getFields().priority;
  assert.match(priority?.deprecationReason ?? '', /triageLevel/);
});

void it('works for another domain with no code change', () => {
  const schema = buildSchema(sdl('test/fixtures/ontologies/library'));
  assert.ok(Object.keys(schema.getTypeMap()).some((n) => /Book|Loan/.test(n)));
});
