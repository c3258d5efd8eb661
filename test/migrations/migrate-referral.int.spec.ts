/**
 * Referral 1.0.0 → 2.0.0 on real SQLite files:
 * - migrating a graph (100k nodes by default; MIGRATION_TEST_NODES to change) gives the same graph as projecting
 *   the upcast events from scratch on 2.0.0;
 * - the dry run counts what each step touches and writes nothing;
 * - old producers keep working after the migration (with and without `dataschema`), the ledger keeps the original;
 * - a migration killed with SIGKILL halfway resumes and ends with the same graph as an uninterrupted one.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createSqliteDeadLetters, createSqliteStore, type SqliteGraphStore } from '../../src/adapters/sqlite/index.ts';
import { createSqliteMigrationTarget } from '../../src/adapters/sqlite/migration-target.ts';
import { createIngestor } from '../../src/app/ingest.ts';
import { runMigration } from '../../src/app/migrate.ts';
import { loadVersionChain, type LoadedChain } from '../../src/app/ontology-versions.ts';
import { VERSION_META_KEY } from '../../src/core/migrations/plan.ts';
import { createUpcaster, UPCAST_ORIGINAL } from '../../src/core/migrations/upcaster.ts';
import type { CloudEvent } from '../../src/core/events/cloud-event.ts';
import { dumpGraph, ingestAll, referralV1Events, V1_SCHEMA } from './referral-v1-events.ts';

const NODES = Number(process.env.MIGRATION_TEST_NODES ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'tg-migrate-'));
let chain: LoadedChain;
let events: CloudEvent[];

async function v1Store(path: string, evs: Iterable<CloudEvent>): Promise<SqliteGraphStore> {
  const store = createSqliteStore({ path });
  const v1 = chain.ontologies[0]!;
  await store.init(v1);
  await ingestAll(evs, { ontology: v1, store, deadLetters: createSqliteDeadLetters({ db: store.db }) });
  await store.setMeta(VERSION_META_KEY, v1.version);
  return store;
}

before(async () => {
  chain = await loadVersionChain('ontology/referral');
  events = [...referralV1Events(NODES)];
});
after(() => rmSync(dir, { recursive: true, force: true }));

void test(`migrating ${NODES} nodes from 1.0.0 to 2.0.0 gives the graph that projecting the upcast events gives`, async () => {
  const migrated = await v1Store(join(dir, 'migrated.db'), events);
  assert.equal((migrated.db.prepare('SELECT count(*) FROM nodes').pluck().get() as number), NODES);
  const before = dumpGraph(migrated.db);

  const dry = await runMigration({ store: migrated, target: createSqliteMigrationTarget(migrated.db), chain, dryRun: true });
  assert.deepEqual(dumpGraph(migrated.db), before, 'a dry run writes nothing');
  const referrals = migrated.db.prepare("SELECT count(*) FROM node_labels WHERE label = 'Referral'").pluck().get() as number;
  const insured = migrated.db.prepare("SELECT count(*) FROM nodes WHERE json_extract(props, '$.insuranceStatus') IS NOT NULL").pluck().get() as number;
  assert.deepEqual(dry.steps.map((s) => [s.touched, s.created ?? 0]), [[referrals, 0], [insured, insured]]);

  const report = await runMigration({ store: migrated, target: createSqliteMigrationTarget(migrated.db), chain });
  assert.equal(await migrated.getMeta(VERSION_META_KEY), '2.0.0');
  assert.deepEqual(report.steps.map((s) => s.touched), [referrals, insured]);

  const replayed = createSqliteStore({ path: join(dir, 'replayed.db') });
  const v2 = chain.ontologies[1]!;
  await replayed.init(v2);
  await ingestAll(events, { ontology: v2, store: replayed, deadLetters: createSqliteDeadLetters({ db: replayed.db }), upcast: createUpcaster(chain) });

  const a = dumpGraph(migrated.db);
  const b = dumpGraph(replayed.db);
  assert.equal(a.nodes.length, NODES + insured);
  assert.deepEqual(a.nodes, b.nodes);
  assert.deepEqual(a.rels, b.rels);
  const r0 = await migrated.getNode('r-0000000');
  assert.equal(r0?.properties.triageLevel, 'routine');
  assert.equal(r0?.properties.priority, undefined);
  assert.equal((await migrated.getNode('r-0000004-insurance'))?.properties.note, 'not covered');
  await replayed.close();

  // Old producers after the migration: with and without dataschema.
  const ingestor = createIngestor({ ontology: v2, store: migrated, deadLetters: createSqliteDeadLetters({ db: migrated.db }), upcast: createUpcaster(chain) });
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
});

void test('a migration killed with SIGKILL halfway resumes and ends with the same graph', async () => {
  const small = events.length > 30_000 ? [...referralV1Events(20_000)] : events;
  const base = await v1Store(join(dir, 'base.db'), small);
  await base.close();
  copyFileSync(join(dir, 'base.db'), join(dir, 'killed.db'));

  const reference = createSqliteStore({ path: join(dir, 'base.db') });
  await runMigration({ store: reference, target: createSqliteMigrationTarget(reference.db), chain });
  const expected = dumpGraph(reference.db);
  await reference.close();

  const cli = (args: string[]) =>
    spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'migrate', '--store', join(dir, 'killed.db'), '--ontology', 'ontology/referral', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const child = cli(['--batch-size', '50']);
  const watcher = new Database(join(dir, 'killed.db'), { readonly: true });
  const progressOf = (): string | undefined =>
    watcher.prepare("SELECT value FROM meta WHERE key = 'migration.1.0.0-to-2.0.0.step.1'").pluck().get() as string | undefined;
  const killedAt = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const p = progressOf();
      if (p === undefined) return;
      clearInterval(timer);
      child.kill('SIGKILL');
      resolve(p);
    }, 2);
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code !== null) reject(new Error(`migrate exited (${code}) before it could be killed`));
    });
  });
  await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.on('exit', r)));
  assert.equal(child.signalCode, 'SIGKILL');
  assert.equal(JSON.parse(killedAt).done, false, 'killed in the middle of the second step');
  const version = watcher.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(VERSION_META_KEY);
  watcher.close();
  assert.equal(version, '1.0.0', 'the version moves only when the migration ends');

  const rerun = cli([]);
  let out = '';
  rerun.stdout.on('data', (d: Buffer) => (out += d.toString()));
  rerun.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise((r) => rerun.on('exit', r));
  assert.equal(code, 0, out);
  assert.match(out, /done by an earlier run/);
  const resumed = createSqliteStore({ path: join(dir, 'killed.db') });
  assert.equal(await resumed.getMeta(VERSION_META_KEY), '2.0.0');
  const got = dumpGraph(resumed.db);
  assert.deepEqual(got.nodes, expected.nodes);
  assert.deepEqual(got.rels, expected.rels);
  await resumed.close();
});
