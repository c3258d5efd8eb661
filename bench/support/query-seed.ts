/**
 * The query benchmark's graph: a real trailgraph SQLite store built through the same stages as ingest
 * (envelope → payload validation → planner → `store.applyBatch`), minus the per-event dead-letter bookkeeping,
 * in large batches so 1M nodes seed in minutes. The file is cached under bench/.data/ keyed by size (and a
 * shape version), so re-runs skip seeding.
 *
 * Shape for N nodes: 1 Specialty (the hub: every referral requests it), N/1000 GPs, N/3 patients, the rest
 * referrals, each → its patient (forPatient), a GP (referredBy) and the Specialty (requestedSpecialty).
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { createSqliteStore } from '../../src/adapters/sqlite/index.ts';
import { loadOntology } from '../../src/app/ontology/ontology-loader.ts';
import { parseEnvelope } from '../../src/core/events/envelope.ts';
import { validatePayload } from '../../src/core/events/payload.ts';
import type { ChangeSet } from '../../src/core/projection/change-set.ts';
import { planChangeSet } from '../../src/core/projection/planner.ts';

/** Bump when the generated graph changes, so stale cached files are not reused. */
const SHAPE = 'v1';
const BATCH = 5000;

export interface SeedShape {
  readonly gps: number;
  readonly patients: number;
  readonly referrals: number;
}

export function shapeOf(nodes: number): SeedShape {
  const gps = Math.max(1, Math.floor(nodes / 1000));
  const patients = Math.floor((nodes - gps - 1) / 3);
  return { gps, patients, referrals: nodes - gps - 1 - patients };
}

const pad = (n: number): string => String(n % 1_000_000).padStart(6, '0');

function* events(s: SeedShape): Generator<Record<string, unknown>> {
  const ev = (id: string, type: string, subject: string, data: Record<string, unknown>) => ({
    specversion: '1.0', id, source: 'agent://bench', type, subject, time: '2026-11-21T09:00:00Z', data,
  });
  for (let g = 0; g < s.gps; g++) {
    yield ev(`gp-${g}`, 'PractitionerRegistered', `Practitioner/gp-${g}`, { '@type': 'GeneralPractitioner', id: `gp-${g}`, name: `Dr ${g}` });
  }
  for (let p = 0; p < s.patients; p++) {
    yield ev(`pat-${p}`, 'PatientRegistered', `Patient/p-${p}`, { '@type': 'Patient', id: `p-${p}`, name: `Patient ${p}`, birthDate: '1970-01-01', mrn: `MRN-${pad(p)}` });
  }
  for (let r = 0; r < s.referrals; r++) {
    yield ev(`ref-${r}`, 'ReferralRequested', `Referral/r-${r}`, {
      '@type': 'Referral', id: `r-${r}`, reason: 'bench referral', triageLevel: r % 7 === 0 ? 'urgent' : 'routine', status: 'requested',
      requestedAt: '2026-11-21T09:00:00Z', forPatient: `p-${r % s.patients}`, referredBy: `gp-${r % s.gps}`,
      requestedSpecialty: { '@type': 'Specialty', id: 'sp-card', code: 'CARD', name: 'Cardiology' },
    });
  }
}

/**
 * Returns the path of a seeded store file for `nodes`, building it first unless cached (`fresh` rebuilds).
 * Built under a temporary name and renamed when complete, so an interrupted seed is never reused.
 */
export async function seededStore(dataDir: string, nodes: number, fresh = false): Promise<{ path: string; shape: SeedShape; seeded: boolean }> {
  const shape = shapeOf(nodes);
  const path = join(dataDir, `query-${SHAPE}-${nodes}.db`);
  if (existsSync(path) && !fresh) return { path, shape, seeded: false };
  mkdirSync(dataDir, { recursive: true });
  const tmp = `${path}.partial`;
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  const ontology = await loadOntology('ontology/referral');
  const store = createSqliteStore({ path: tmp, ontology });
  await store.init(ontology);
  const total = shape.gps + shape.patients + shape.referrals;
  const bar = new cliProgress.SingleBar(
    { noTTYOutput: true, notTTYSchedule: 10_000, format: `seeding ${nodes.toLocaleString('en')} nodes [{bar}] {percentage}% {value}/{total} events {eta_formatted}`, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  let batch: ChangeSet[] = [];
  let done = 0;
  for (const raw of events(shape)) {
    const event = validatePayload(parseEnvelope(raw), ontology);
    batch.push(planChangeSet(event, ontology));
    if (batch.length === BATCH) {
      await store.applyBatch(batch);
      done += batch.length;
      batch = [];
      bar.update(done);
    }
  }
  if (batch.length) await store.applyBatch(batch);
  bar.update(total);
  bar.stop();
  await store.close();
  renameSync(tmp, path);
  return { path, shape, seeded: true };
}
