/**
 * Migration benchmark: referral 1.0.0 → 2.0.0 (`priority` → `triageLevel`; insurance status moved to a new
 * InsuranceVerification node + relationship) on a SQLite graph of N nodes, with `trailgraph migrate`'s code path
 * (runMigration + the SQLite migration target: batches, JS node rewrites, progress recorded per batch).
 * Compared, in the same run and on a copy of the same file, against hand-written SQL doing the same rewrite in
 * five set-based statements (one transaction, no batches, no progress, not resumable) — the floor for this change.
 *
 *   node --import tsx bench/run.ts migrate --nodes 100000,1000000 [--batch 5000]
 *
 * The v1 graph is written directly as rows (same tables, labels and JSON the store writes; 30% patients, 70%
 * referrals, half of them with an insurance status) because projecting 1M nodes through ingest takes minutes and
 * is measured by bench/projection.ts already.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../src/adapters/sqlite/index.ts';
import { createSqliteMigrationTarget } from '../src/adapters/sqlite/migration-target.ts';
import type { SqliteDatabase } from '../src/adapters/sqlite/open.ts';
import { runMigration } from '../src/app/ontology/migrate.ts';
import { loadVersionChain } from '../src/app/ontology/ontology-versions.ts';

function arg(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : fallback;
}

/** Writes a referral 1.0.0 graph of `n` nodes as rows. */
export function seed(db: SqliteDatabase, n: number): { referrals: number; insured: number } {
  const node = db.prepare('INSERT INTO nodes (id, class, labels, props, event_id, source, time, seq, created_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const label = db.prepare('INSERT INTO node_labels (label, id) VALUES (?, ?)');
  const rel = db.prepare('INSERT INTO rels (type, from_id, to_id, event_id, source, time, seq, created_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const patients = Math.floor(n * 0.3);
  const referrals = n - patients;
  let insured = 0;
  const time = '2026-01-01T00:00:00Z';
  db.transaction(() => {
    for (let i = 0; i < patients; i++) {
      const id = `p-${i}`;
      node.run(id, 'Patient', '["Patient"]', JSON.stringify({ name: `Patient ${i}`, birthDate: '1970-01-01', mrn: `MRN-${String(i % 1e6).padStart(6, '0')}` }), `e-p-${i}`, 'agent://bench', time, i + 1, i + 1);
      label.run('Patient', id);
    }
    for (let i = 0; i < referrals; i++) {
      const id = `r-${String(i).padStart(7, '0')}`;
      const props: Record<string, unknown> = { reason: `Reason ${i}`, priority: ['routine', 'urgent', 'emergency'][i % 3], status: 'requested', requestedAt: time };
      if (i % 2 === 0) {
        props.insuranceStatus = i % 4 === 0 ? 'verified' : 'pending';
        insured++;
      }
      const seq = patients + i + 1;
      node.run(id, 'Referral', '["Referral"]', JSON.stringify(props), `e-r-${i}`, 'agent://bench', time, seq, seq);
      label.run('Referral', id);
      rel.run('forPatient', id, `p-${i % Math.max(1, patients)}`, `e-r-${i}`, 'agent://bench', time, seq, seq);
    }
  })();
  return { referrals, insured };
}

/** The same change as hand-written SQL: five set-based statements in one transaction. */
function rawSql(db: SqliteDatabase): void {
  db.transaction(() => {
    db.exec(`UPDATE nodes SET props = json_set(json_remove(props, '$.priority'), '$.triageLevel', json_extract(props, '$.priority'))
             WHERE id IN (SELECT id FROM node_labels WHERE label = 'Referral') AND json_type(props, '$.priority') IS NOT NULL`);
    db.exec(`INSERT INTO nodes (id, class, labels, props, event_id, source, time, seq, created_seq)
             SELECT id || '-insurance', 'InsuranceVerification', '["InsuranceVerification"]', json_object('status', json_extract(props, '$.insuranceStatus')),
                    event_id, source, time, seq, seq
             FROM nodes WHERE id IN (SELECT id FROM node_labels WHERE label = 'Referral') AND json_type(props, '$.insuranceStatus') IS NOT NULL`);
    db.exec(`INSERT INTO node_labels (label, id) SELECT 'InsuranceVerification', id FROM nodes WHERE class = 'InsuranceVerification'`);
    db.exec(`INSERT INTO rels (type, from_id, to_id, event_id, source, time, seq, created_seq)
             SELECT 'hasInsuranceVerification', id, id || '-insurance', event_id, source, time, seq, seq
             FROM nodes WHERE id IN (SELECT id FROM node_labels WHERE label = 'Referral') AND json_type(props, '$.insuranceStatus') IS NOT NULL`);
    db.exec(`UPDATE nodes SET props = json_remove(props, '$.insuranceStatus')
             WHERE id IN (SELECT id FROM node_labels WHERE label = 'Referral') AND json_type(props, '$.insuranceStatus') IS NOT NULL`);
  }).immediate();
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export async function main(argv: string[]): Promise<void> {
  const sizes = arg(argv, 'nodes', '100000').split(',').map(Number);
  const batch = Number(arg(argv, 'batch', '5000'));
  const chain = await loadVersionChain('ontology/referral');
  const rows: string[] = [];
  for (const n of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'tg-bench-migrate-'));
    try {
      const seeding = createSqliteStore({ path: join(dir, 'a.db') });
      await seeding.init(chain.ontologies[0]!);
      const t0 = Date.now();
      const { referrals, insured } = seed(seeding.db, n);
      await seeding.setMeta('ontology.version', '1.0.0');
      seeding.db.pragma('wal_checkpoint(TRUNCATE)');
      await seeding.close();
      console.error(`seeded ${fmt(n)} nodes (${fmt(referrals)} referrals, ${fmt(insured)} insured) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      copyFileSync(join(dir, 'a.db'), join(dir, 'b.db'));

      const store = createSqliteStore({ path: join(dir, 'a.db') });
      let last = 0;
      const t1 = performance.now();
      const report = await runMigration({
        store, target: createSqliteMigrationTarget(store.db), chain, batchSize: batch,
        onStep: (e) => {
          if (e.kind === 'batch' && e.progress.scanned - last >= 100_000) {
            last = e.progress.scanned;
            process.stderr.write(`  ${e.step.description}: ${fmt(e.progress.scanned)}\r`);
          }
          if (e.kind === 'end') last = 0;
        },
      });
      const migrateS = (performance.now() - t1) / 1000;
      await store.close();

      const raw = createSqliteStore({ path: join(dir, 'b.db') });
      const t2 = performance.now();
      rawSql(raw.db);
      const rawS = (performance.now() - t2) / 1000;
      const check = raw.db.prepare("SELECT count(*) FROM nodes WHERE class = 'InsuranceVerification'").pluck().get() as number;
      await raw.close();
      if (check !== insured) throw new Error(`raw SQL baseline created ${check} verification nodes, expected ${insured}`);

      const steps = report.steps.map((s) => `${fmt(s.scanned / Math.max(s.ms / 1000, 1e-9))}`).join(' / ');
      rows.push(`| ${fmt(n)} | ${batch} | ${migrateS.toFixed(1)} s | ${fmt(n / migrateS)} | ${steps} | ${rawS.toFixed(1)} s | ${fmt(n / rawS)} | ${(rawS / migrateS).toFixed(2)}× |`);
      console.error('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log('| nodes | batch | migrate | graph nodes/s | per step (nodes scanned/s: rename / move) | raw SQL | raw nodes/s | migrate/raw speed |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}
