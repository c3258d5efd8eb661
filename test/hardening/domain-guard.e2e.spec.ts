/**
 * A store belongs to one domain: it records the IRI of the ontology it was started on, and every command that
 * plans or writes against a store refuses one of another domain, naming both — instead of planning the referral
 * migration against a library graph, or advising a library store to "migrate to 2.0.0".
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createSqliteStore } from '../../src/adapters/sqlite/index.ts';
import { checkStoredVersion } from '../../src/app/ontology/evolution.ts';
import { loadOntology } from '../../src/app/ontology/ontology-loader.ts';
import { DOMAIN_META_KEY, VERSION_META_KEY } from '../../src/core/migrations/plan.ts';
import { type CliRun, runTrailgraph } from '../support/cli-process.ts';

const LIBRARY = 'https://example.org/library';
const REFERRAL = 'https://trailgraph.dev/ontology/referral';

const trailgraph = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> => runTrailgraph(args, { env });

void describe('a store of another domain is refused by name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-domain-'));
  const libraryStore = join(dir, 'library.db');
  after(() => rmSync(dir, { recursive: true, force: true }));

  before(async () => {
    // What `serve` does at start-up: init, then the stored-version check, which records domain and version.
    const library = await loadOntology('test/fixtures/ontologies/library');
    const store = createSqliteStore({ path: libraryStore, ontology: library });
    try {
      await store.init(library);
      await checkStoredVersion(store, library);
      assert.equal(await store.getMeta(DOMAIN_META_KEY), LIBRARY, 'start-up records the domain');
      assert.equal(await store.getMeta(VERSION_META_KEY), library.version);
    } finally {
      await store.close();
    }
  });

  void test('starting the service on it with the referral ontology', async () => {
    const referral = await loadOntology('ontology/referral');
    const store = createSqliteStore({ path: libraryStore });
    try {
      await assert.rejects(checkStoredVersion(store, referral), (err: Error) => {
        assert.match(err.message, /another domain/);
        assert.ok(err.message.includes(LIBRARY) && err.message.includes(REFERRAL), err.message);
        assert.doesNotMatch(err.message, /trailgraph migrate/, 'no advice to migrate a store of another domain');
        return true;
      });
    } finally {
      await store.close();
    }
  });

  for (const dryRun of [true, false]) {
    void test(`\`migrate${dryRun ? ' --dry-run' : ''}\` with the referral ontology`, async () => {
      const r = await trailgraph(['migrate', '--store', libraryStore, '--ontology', 'ontology/referral', ...(dryRun ? ['--dry-run'] : [])]);
      assert.notEqual(r.code, 0, r.stdout);
      assert.ok(r.stderr.includes(LIBRARY) && r.stderr.includes(REFERRAL), r.stderr);
      assert.doesNotMatch(r.stderr, /at .+\.ts:\d+/, 'a message, not a stack trace');
      assert.doesNotMatch(r.stdout, /plan:|migrated/);
    });
  }

  void test('`replay` from it with the referral ontology', async () => {
    const r = await trailgraph(['replay', '--store', libraryStore, '--ontology', 'ontology/referral', '--into', join(dir, 'rebuilt.db')]);
    assert.notEqual(r.code, 0, r.stdout);
    assert.ok(r.stderr.includes(LIBRARY) && r.stderr.includes(REFERRAL), r.stderr);
  });

  void test('its own domain is still served: the check passes on the ontology that recorded it', async () => {
    const library = await loadOntology('test/fixtures/ontologies/library');
    const store = createSqliteStore({ path: libraryStore });
    try {
      await checkStoredVersion(store, library);
    } finally {
      await store.close();
    }
  });
});
