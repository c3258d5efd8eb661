/**
 * Referral 1.0.0 → 2.0.0 on each store — a SQLite file and the run's Neo4j — read back through the GraphStore port:
 * - migrating a graph (SQLite: 100k nodes by default, MIGRATION_TEST_NODES to change; Neo4j: 2k by default,
 *   MIGRATION_TEST_NODES_NEO4J — projecting 100k nodes into Neo4j on a 2-core CI machine would take most of the CI
 *   budget) gives the same graph as projecting the upcast events from scratch on 2.0.0 (into SQLite);
 * - the dry run counts what each step touches and writes nothing;
 * - old producers keep working after the migration (with and without `dataschema`), the ledger keeps the original;
 * - a migration killed with SIGKILL halfway resumes and ends with the graph an uninterrupted one gives.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteDeadLetters, createSqliteStore } from '../../src/adapters/sqlite/index.ts';
import { createSqliteMigrationTarget } from '../../src/adapters/sqlite/migration-target.ts';
import { createIngestor } from '../../src/app/ingest/ingest.ts';
import { runMigration } from '../../src/app/ontology/migrate.ts';
import { loadVersionChain, type LoadedChain } from '../../src/app/ontology/ontology-versions.ts';
import { VERSION_META_KEY } from '../../src/core/migrations/plan.ts';
import { createUpcaster, UPCAST_ORIGINAL } from '../../src/core/migrations/upcaster.ts';
import type { CloudEvent } from '../../src/core/events/cloud-event.ts';
import type { GraphStore } from '../../src/ports/graph-store.ts';
import { dumpStore, ingestAll, referralV1Events, V1_SCHEMA } from './referral-v1-events.ts';
import { migrationTargetOf, storesUnderTest } from '../support/stores.ts';

const dir = mkdtempSync(join(tmpdir(), 'tg-migrate-'));
let chain: LoadedChain;
const deadLetters = () => createSqliteDeadLetters({ path: join(dir, 'dead-letters.db') });

before(async () => {
  chain = await loadVersionChain('ontology/referral');
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function v1Into(store: GraphStore, evs: Iterable<CloudEvent>): Promise<void> {
  const v1 = chain.ontologies[0]!;
  await store.init(v1);
  await ingestAll(evs, { ontology: v1, store, deadLetters: deadLetters() });
  await store.setMeta(VERSION_META_KEY, v1.version);
}

for (const s of await storesUnderTest()) void describe(`referral 1.0.0 → 2.0.0 migration (${s.kind})`, { ...(s.skip && { skip: s.skip }) }, () => {
  const NODES = s.kind === 'neo4j' ? Number(process.env.MIGRATION_TEST_NODES_NEO4J ?? 2_000) : Number(process.env.MIGRATION_TEST_NODES ?? 100_000);

void test(`migrating ${NODES} nodes from 1.0.0 to 2.0.0 gives the graph that projecting the upcast events gives`, { timeout: 1_800_000 }, async () => {
  const events = [...referralV1Events(NODES)];
  const fresh = await s.fresh();
  const migrated = fresh.open();
  await v1Into(migrated, events);
  const v1 = chain.ontologies[0]!;
  const before = await dumpStore(migrated, v1);
  assert.equal(before.nodes.length, NODES);

  const t = migrationTargetOf(fresh, migrated);
  const dry = await runMigration({ store: migrated, target: t.target, chain, dryRun: true });
  assert.deepEqual(await dumpStore(migrated, v1), before, 'a dry run writes nothing');
  const count = async (filters: { property: string; op: 'exists'; value: boolean }[] = []): Promise<number> =>
    (await migrated.listNodes({ class: 'Referral', first: 0, includeTotal: true, filters })).totalCount ?? -1;
  const referrals = await count();
  const insured = await count([{ property: 'insuranceStatus', op: 'exists', value: true }]);
  assert.deepEqual(dry.steps.map((x) => [x.touched, x.created ?? 0]), [[referrals, 0], [insured, insured]]);

  const report = await runMigration({ store: migrated, target: t.target, chain });
  await t.close();
  assert.equal(await migrated.getMeta(VERSION_META_KEY), '2.0.0');
  assert.deepEqual(report.steps.map((x) => x.touched), [referrals, insured]);

  const replayed = createSqliteStore({ path: join(dir, `replayed-${s.kind}.db`) });
  const v2 = chain.ontologies[1]!;
  await replayed.init(v2);
  await ingestAll(events, { ontology: v2, store: replayed, deadLetters: createSqliteDeadLetters({ db: replayed.db }), upcast: createUpcaster(chain) });

  const a = await dumpStore(migrated, v2);
  const b = await dumpStore(replayed, v2);
  assert.equal(a.nodes.length, NODES + insured);
  assert.deepEqual(a.nodes, b.nodes);
  assert.deepEqual(a.rels, b.rels);
  const r0 = await migrated.getNode('r-0000000');
  assert.equal(r0?.properties.triageLevel, 'routine');
  assert.equal(r0?.properties.priority, undefined);
  assert.equal((await migrated.getNode('r-0000004-insurance'))?.properties.note, 'not covered');
  await replayed.close();

  // Old producers after the migration: with and without dataschema.
  const ingestor = createIngestor({ ontology: v2, store: migrated, deadLetters: deadLetters(), upcast: createUpcaster(chain) });
  const denied: CloudEvent = {
    specversion: '1.0', id: 'late-1', source: 'agent://old-insurance', type: 'InsuranceDenied', subject: 'Referral/r-0000001',
    data: { '@type': 'Referral', id: 'r-0000001', insuranceStatus: 'denied', insuranceNote: 'expired policy', status: 'insurance-denied' },
  };
  const requested: CloudEvent = {
    specversion: '1.0', id: 'late-2', source: 'agent://old-intake', type: 'ReferralRequested', dataschema: V1_SCHEMA,
    data: {
      '@type': 'Referral', id: 'r-late', reason: 'Palpitations', priority: 'urgent', status: 'requested', requestedAt: '2026-03-01T10:00:00Z',
      forPatient: 'p-1', referredBy: 'gp-1', requestedSpecialty: 'spec-CARD', insuranceStatus: 'pending',
    },
  };
  const results = await ingestor.ingest([{ payload: denied }, { payload: requested }]);
  assert.deepEqual(results.map((r) => r.status), ['applied', 'applied'], JSON.stringify(results.map((r) => (r.status === 'rejected' ? r.error.message : r.status))));
  assert.deepEqual((await migrated.getNode('r-0000001-insurance'))?.properties, { status: 'denied', note: 'expired policy' });
  assert.equal((await migrated.getNode('r-late'))?.properties.triageLevel, 'urgent');
  assert.equal((await migrated.getNode('r-late-insurance'))?.properties.status, 'pending');
  const entry = await migrated.findEvent('late-1');
  assert.equal(JSON.parse(String(entry?.event?.[UPCAST_ORIGINAL])).data.insuranceStatus, 'denied', 'the ledger keeps the original event');
  assert.equal(entry?.event?.dataschema, chain.ontologies[1]!.versionIri);
  await migrated.close();
  fresh.cleanup();
});

void test('a migration killed with SIGKILL halfway resumes and ends with the same graph', { timeout: 1_800_000 }, async () => {
  const small = [...referralV1Events(Math.min(NODES, 20_000))];
  // The uninterrupted reference: a SQLite file migrated in one go.
  const reference = createSqliteStore({ path: join(dir, `reference-${s.kind}.db`) });
  await v1Into(reference, small);
  await runMigration({ store: reference, target: createSqliteMigrationTarget(reference.db), chain });
  const expected = await dumpStore(reference, chain.ontologies[1]!);
  await reference.close();

  const fresh = await s.fresh();
  const base = fresh.open();
  await v1Into(base, small);
  await base.close();
  const cli = (args: string[]) =>
    spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'migrate', '--store', fresh.locator, '--ontology', 'ontology/referral', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const child = cli(['--batch-size', '50']);
  const watcher = fresh.open();
  const progressOf = (): Promise<string | undefined> => watcher.getMeta('migration.1.0.0-to-2.0.0.step.1');
  const killedAt = await new Promise<string>((resolve, reject) => {
    let stopped = false;
    child.on('exit', (code) => {
      stopped = true;
      if (code !== null) reject(new Error(`migrate exited (${code}) before it could be killed`));
    });
    void (async () => {
      while (!stopped) {
        const p = await progressOf();
        if (p !== undefined) {
          stopped = true;
          child.kill('SIGKILL');
          resolve(p);
          return;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })().catch(reject);
  });
  await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.on('exit', r)));
  assert.equal(child.signalCode, 'SIGKILL');
  assert.equal(JSON.parse(killedAt).done, false, 'killed in the middle of the second step');
  const version = await watcher.getMeta(VERSION_META_KEY);
  await watcher.close();
  assert.equal(version, '1.0.0', 'the version moves only when the migration ends');

  const rerun = cli([]);
  let out = '';
  rerun.stdout.on('data', (d: Buffer) => (out += d.toString()));
  rerun.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise((r) => rerun.on('exit', r));
  assert.equal(code, 0, out);
  assert.match(out, /done by an earlier run/);
  const resumed = fresh.open(chain.ontologies[1]);
  assert.equal(await resumed.getMeta(VERSION_META_KEY), '2.0.0');
  const got = await dumpStore(resumed, chain.ontologies[1]!);
  assert.deepEqual(got.nodes, expected.nodes);
  assert.deepEqual(got.rels, expected.rels);
  await resumed.close();
  fresh.cleanup();
});
});
