/**
 * `trailgraph neo4j schema` against the live Neo4j of the test run: its output, run statement by statement the way
 * cypher-shell would, creates every constraint and index it names; running it again changes nothing; and a store
 * started afterwards finds the constraints it needs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import neo4j from 'neo4j-driver';
import { createNeo4jStore } from '../../src/adapters/neo4j/index.ts';
import { loadOntology } from '../../src/app/ontology/ontology-loader.ts';
import { neo4jForTests, resetNeo4j } from '../support/neo4j-server.ts';

const neo = await neo4jForTests();

/** The CLI's statements: everything but comment lines, split on the `;` that ends each. */
function schemaFromCli(): string[] {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'neo4j', 'schema', '--ontology', 'ontology/referral'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(res.status, 0, res.stderr);
  return res.stdout.split('\n').filter((l) => l.trim() && !l.startsWith('//')).map((l) => l.replace(/;\s*$/, ''));
}

void describe('trailgraph neo4j schema on a live Neo4j', { ...('skip' in neo && { skip: neo.skip }) }, () => {
  void it('creates every constraint and index it prints, idempotently, and the store starts on them', { timeout: 300_000 }, async () => {
    if ('skip' in neo) return;
    const c = neo.connection;
    await resetNeo4j(c, { schema: true });
    const statements = schemaFromCli();
    // A statement either creates a named constraint or index, or drops (IF EXISTS) one an older version created.
    const nameIn = (re: RegExp, s: string): string | undefined => re.exec(s)?.[1]?.replace(/`/g, '');
    const named = statements.map((s) => nameIn(/^CREATE (?:CONSTRAINT|(?:FULLTEXT )?INDEX) (`[^`]+`|\S+)/, s)).filter((n) => n !== undefined);
    const dropped = statements.map((s) => nameIn(/^DROP (?:CONSTRAINT|INDEX) (`[^`]+`|\S+) IF EXISTS$/, s)).filter((n) => n !== undefined);
    assert.equal(named.length + dropped.length, statements.length, `every statement creates a named constraint or index, or drops one IF EXISTS:\n${statements.join('\n')}`);
    assert.ok(named.length > 10, 'the schema creates the constraints and indexes');
    const driver = neo4j.driver(c.uri, neo4j.auth.basic(c.user, c.password));
    try {
      const schema = async (): Promise<string[]> => {
        const cons = await driver.executeQuery('SHOW CONSTRAINTS YIELD name RETURN name');
        const idx = await driver.executeQuery("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name");
        return [...cons.records, ...idx.records].map((r) => String(r.get('name'))).sort();
      };
      for (const s of statements) await driver.executeQuery(s);
      const first = await schema();
      for (const n of named) assert.ok(first.includes(n), `${n} exists`);
      for (const n of dropped) assert.ok(!first.includes(n), `${n} is gone`);
      for (const s of statements) await driver.executeQuery(s);
      assert.deepEqual(await schema(), first, 'running the schema again changes nothing');

      const ontology = await loadOntology('ontology/referral');
      const store = createNeo4jStore({ uri: c.uri, user: c.user, password: c.password });
      try {
        await store.init(ontology);
        assert.deepEqual(await schema(), first, "the store's own init() asks for nothing more than the CLI printed");
      } finally {
        await store.close();
      }
    } finally {
      await driver.close();
    }
  });
});
