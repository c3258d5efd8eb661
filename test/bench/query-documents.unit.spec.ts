/**
 * The query bench's rows are GraphQL documents posted by wrk: one that stopped validating against the served schema
 * would turn a bench row into a table of errors. Each row's document must validate against the referral schema the
 * bench serves (with its `$ID` placeholder standing in for a value).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, validate } from 'graphql';
import { querySpecs } from '../../bench/query.ts';
import { SEARCH_ROWS } from '../../bench/search.ts';
import { loadOntologySync } from '../../src/app/ontology/ontology-loader.ts';
import { createSchema } from '../../src/api/schema/index.ts';

void describe('query bench documents', () => {
  void it('every row validates against the referral schema, the search row included', () => {
    const schema = createSchema(loadOntologySync('ontology/referral'));
    const specs = querySpecs({ gps: 10, patients: 100, referrals: 300 });
    assert.ok(specs.some((s) => s.key === 'search'));
    for (const spec of specs) {
      const body = JSON.parse(spec.body.template) as { query: string };
      assert.deepEqual(validate(schema, parse(body.query)).map((e) => e.message), [], spec.key);
    }
  });

  void it('the search bench measures rows the query bench has, trivial first', () => {
    const keys = querySpecs({ gps: 10, patients: 100, referrals: 300 }).map((s) => s.key);
    assert.equal(SEARCH_ROWS[0], 'trivial');
    for (const k of SEARCH_ROWS) assert.ok(keys.includes(k), k);
  });
});
