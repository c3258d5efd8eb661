/** Change sets and stores for the marks tests: real SQLite files under the OS temp dir. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore, type SqliteGraphStore } from '../../src/adapters/sqlite/index.ts';
import type { ChangeSet } from '../../src/core/projection/change-set.ts';
import { clinicOntology } from '../fixtures/clinic-ontology.ts';

export const ontology = clinicOntology();

/** A temp dir holding one store file; `cleanup` removes it. */
export function tempDbPath(): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tg-marks-'));
  return { path: join(dir, 'graph.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function openStore(path: string): Promise<SqliteGraphStore> {
  const store = createSqliteStore({ path, ontology });
  await store.init(ontology);
  return store;
}

/** `ReferralRequested` for referral `id` of patient `patient`: creates both and links them. */
export function referralRequested(id: string, patient = 'p-1', eventId = `evt-${id}`): ChangeSet {
  const time = new Date().toISOString();
  return {
    eventId, source: 'agent://intake', time, type: 'ReferralRequested', subject: `Referral/${id}`, aggregate: id,
    ontologyVersion: '1.0.0', event: { id: eventId },
    ops: [
      { op: 'upsertNode', node: { id: patient, class: 'Patient' }, labels: ['Patient'], set: { name: 'Pat' }, add: {}, unset: [], pointer: '/data/forPatient' },
      { op: 'upsertNode', node: { id, class: 'Referral' }, labels: ['Referral'], set: { reason: 'pain', priority: 'urgent', status: 'requested' }, add: {}, unset: [], pointer: '/data' },
      { op: 'addRelationship', type: 'forPatient', from: { id, class: 'Referral' }, to: { id: patient, class: 'Patient' }, functional: true, pointer: '/data/forPatient' },
    ],
  };
}

/** `PatientUpdated`: touches a patient only. */
export function patientUpdated(id: string, eventId: string): ChangeSet {
  return {
    eventId, source: 'agent://records', time: new Date().toISOString(), type: 'PatientUpdated', subject: `Patient/${id}`, aggregate: id,
    ontologyVersion: '1.0.0', event: { id: eventId },
    ops: [{ op: 'upsertNode', node: { id, class: 'Patient' }, labels: ['Patient'], set: { name: eventId }, add: {}, unset: [], pointer: '/data' }],
  };
}

/** Takes `n` marks from an iterator, failing after `timeoutMs`. */
export async function take<T>(it: AsyncIterator<T>, n: number, timeoutMs = 30_000): Promise<T[]> {
  const out: T[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < n) {
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([
      it.next(),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()));
      }),
    ]);
    clearTimeout(timer);
    if (r === 'timeout') throw new Error(`timed out after ${out.length}/${n} items`);
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}
