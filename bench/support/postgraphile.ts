/**
 * The peer of bench/peer.ts: the query benchmark's referral graph as PostgreSQL tables, PostGraphile 5 serving
 * them from its own process, and the four query rows of bench/query.ts asked the way PostGraphile's generated
 * schema asks them (Amber preset names: `patientByRowId`, `referralsByPatientId`, …).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { QuerySpec } from '../query.ts';
import type { PostgresCluster } from './postgres-cluster.ts';
import type { SeedShape } from './query-seed.ts';
import { freePort, type ServerProcess, serverProcess } from './serve-process.ts';

/** The same graph as query-seed.ts (same ids, names, triage levels), one table per class, generated in PostgreSQL. */
export function seedSql(s: SeedShape): string {
  return `
CREATE TABLE specialty (id text PRIMARY KEY, code text NOT NULL, name text NOT NULL);
CREATE TABLE practitioner (id text PRIMARY KEY, name text NOT NULL);
CREATE TABLE patient (id text PRIMARY KEY, name text NOT NULL, birth_date date NOT NULL, mrn text NOT NULL);
CREATE TABLE referral (
  id text PRIMARY KEY, reason text NOT NULL, triage_level text NOT NULL, status text NOT NULL, requested_at timestamptz NOT NULL,
  patient_id text NOT NULL REFERENCES patient, referred_by_id text NOT NULL REFERENCES practitioner, specialty_id text NOT NULL REFERENCES specialty);
INSERT INTO specialty VALUES ('sp-card', 'CARD', 'Cardiology');
INSERT INTO practitioner SELECT 'gp-' || g, 'Dr ' || g FROM generate_series(0, ${s.gps - 1}) g;
INSERT INTO patient SELECT 'p-' || p, 'Patient ' || p, '1970-01-01', 'MRN-' || lpad((p % 1000000)::text, 6, '0') FROM generate_series(0, ${s.patients - 1}) p;
INSERT INTO referral SELECT 'r-' || r, 'bench referral', CASE WHEN r % 7 = 0 THEN 'urgent' ELSE 'routine' END, 'requested',
  '2026-11-21T09:00:00Z', 'p-' || (r % ${s.patients}), 'gp-' || (r % ${s.gps}), 'sp-card' FROM generate_series(0, ${s.referrals - 1}) r;
CREATE INDEX referral_patient ON referral (patient_id);
CREATE INDEX referral_referred_by ON referral (referred_by_id);
CREATE INDEX referral_specialty ON referral (specialty_id);
VACUUM ANALYZE;
`;
}

/** PostGraphile's 1-hop query: the same patient, its first 10 referrals and each one's GP name. */
export const PG_ONE_HOP = 'query($id: String!) { patientByRowId(rowId: $id) { name referralsByPatientId(first: 10) { nodes { rowId triageLevel practitionerByReferredById { name } } } } }';

const gql = (query: string, idVar = false): string => JSON.stringify(idVar ? { query, variables: { id: '$ID' } } : { query });

/**
 * The rows of bench/query.ts's `querySpecs`, as PostGraphile asks them. trailgraph's `neighbourhood(limit: 50)` is
 * a breadth-first walk capped at 50 nodes; the closest PostGraphile query fetches the same two hops with the
 * connection capped at 50 — the hub row's patient side is small (≤ 3 referrals per patient), its specialty side is
 * where the cap bites on both servers.
 */
export function peerQuerySpecs(shape: SeedShape): QuerySpec[] {
  return [
    { key: 'trivial', name: 'trivial `{ __typename }`', body: { template: gql('{ __typename }') } },
    { key: 'node', name: 'one node: patient { name }', body: { template: gql('query($id: String!) { patientByRowId(rowId: $id) { name } }', true), idPrefix: 'p-', ids: shape.patients } },
    { key: '1-hop', name: '1-hop: patient → referrals (first 10) → GP { name }', body: { template: gql(PG_ONE_HOP, true), idPrefix: 'p-', ids: shape.patients } },
    {
      key: '2-hop', name: '2-hop: patient → referrals (first 50) → GP { rowId }',
      body: { template: gql('query($id: String!) { patientByRowId(rowId: $id) { rowId referralsByPatientId(first: 50) { nodes { rowId practitionerByReferredById { rowId } } } } }', true), idPrefix: 'p-', ids: shape.patients },
    },
    {
      key: 'hub', name: 'hub 2-hop: referral → patient → its referrals, and → Specialty → its referrals (first 50)',
      body: {
        template: gql('query($id: String!) { referralByRowId(rowId: $id) { rowId patientByPatientId { rowId referralsByPatientId(first: 50) { nodes { rowId } } } specialtyBySpecialtyId { rowId referralsBySpecialtyId(first: 50) { nodes { rowId } } } } }', true),
        idPrefix: 'r-', ids: shape.referrals,
      },
    },
  ];
}

const SERVER = join(import.meta.dirname, 'postgraphile-server.mjs');

/** Starts PostGraphile 5 (production settings, its own process on `node` with extra `nodeArgs`) on `pg`, resolves once it listens. */
export async function startPostGraphile(pg: PostgresCluster, node: string, nodeArgs: readonly string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  const proc = spawn(node, [...nodeArgs, SERVER, pg.connectionString, String(port)], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'production', GRAPHILE_ENV: 'production' } });
  return serverProcess(proc, `http://127.0.0.1:${port}/graphql`, 'listening', 'PostGraphile');
}
