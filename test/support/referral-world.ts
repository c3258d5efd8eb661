/**
 * A small referral world for the auth tests, published through the real HTTP edge with an admin token:
 * two cardiologists (s-1, s-2), a GP, three patients with coverage, three referrals (r-1 → s-1, r-2 → s-2,
 * r-3 unassigned), a lab order and result on r-1. What each role may see of it is the policy's business.
 */
import type { AuthServer } from './auth-server.ts';

const time = '2026-11-21T09:00:00Z';
let n = 0;
const ev = (type: string, subject: string, data: Record<string, unknown>, source = 'agent://admin') => ({
  specversion: '1.0', id: `world-${process.pid}-${++n}`, source, type, subject, time, data,
});

export const WORLD = {
  specialists: ['s-1', 's-2'],
  patients: ['p-1', 'p-2', 'p-3'],
  referrals: ['r-1', 'r-2', 'r-3'],
  gp: 'gp-1',
  specialty: 'spec-card',
  coverages: ['cov-p-1', 'cov-p-2', 'cov-p-3'],
  lab: { order: 'lab-r-1', result: 'result-r-1' },
} as const;

/** The events of the world, in order. */
export function worldEvents(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [i, s] of WORLD.specialists.entries()) {
    out.push(ev('SpecialistRegistered', `Specialist/${s}`, {
      '@type': 'Specialist', id: s, name: `Dr Spec ${i + 1}`, npi: `100000000${i}`, maxActiveReferrals: 10, acceptingReferrals: true,
      hasSpecialty: [{ '@type': 'Specialty', id: WORLD.specialty, code: 'CARD', name: 'Cardiology' }],
    }));
  }
  out.push(ev('PractitionerRegistered', `Practitioner/${WORLD.gp}`, { '@type': 'GeneralPractitioner', id: WORLD.gp, name: 'Dr Ada Moss', npi: '2000000001' }));
  for (const [i, p] of WORLD.patients.entries()) {
    out.push(ev('PatientRegistered', `Patient/${p}`, {
      '@graph': [
        { '@type': 'Patient', id: p, name: `Patient ${i + 1}`, birthDate: '1970-02-03', sex: 'female', mrn: `MRN-00000${i + 1}` },
        { '@type': 'InsuranceCoverage', id: `cov-${p}`, payer: 'Acme Health', memberId: `MEMBER00${i}`, plan: 'Standard', validUntil: '2027-12-31', beneficiary: p },
      ],
    }));
  }
  for (const [i, r] of WORLD.referrals.entries()) {
    out.push(ev('ReferralRequested', `Referral/${r}`, {
      '@type': 'Referral', id: r, reason: 'Chest pain on exertion', triageLevel: 'urgent', status: 'requested', requestedAt: time,
      requiresLab: i === 0, forPatient: WORLD.patients[i], referredBy: WORLD.gp, requestedSpecialty: WORLD.specialty,
    }));
  }
  out.push(ev('LabOrdered', 'Referral/r-1', { '@type': 'LabOrder', id: WORLD.lab.order, testCode: '2345-7', testName: 'Glucose', status: 'ordered', orderedAt: time, forReferral: 'r-1' }));
  out.push(ev('LabResulted', 'Referral/r-1', {
    '@graph': [
      { '@type': 'LabResult', id: WORLD.lab.result, ofOrder: WORLD.lab.order, value: 5.4, unit: 'mmol/L', interpretation: 'normal', resultedAt: time },
      { '@type': 'LabOrder', id: WORLD.lab.order, status: 'resulted', forReferral: 'r-1' },
    ],
  }));
  out.push(ev('ReferralAccepted', 'Referral/r-1', { '@type': 'Referral', id: 'r-1', status: 'accepted', referredTo: 's-1' }));
  out.push(ev('ReferralAccepted', 'Referral/r-2', { '@type': 'Referral', id: 'r-2', status: 'accepted', referredTo: 's-2' }));
  return out;
}

/** Publishes the world with an admin token; fails on any rejection. Returns the last seq. */
export async function publishWorld(server: AuthServer, adminToken: string): Promise<number> {
  let seq = 0;
  for (const e of worldEvents()) {
    const { status, body } = await server.postEvent(adminToken, e);
    if (status !== 201) throw new Error(`world event ${String(e.type)} refused: ${status} ${JSON.stringify(body)}`);
    seq = Number(body.seq);
  }
  return seq;
}

/** Every node id of the world. */
export const ALL_IDS: readonly string[] = [
  ...WORLD.specialists, ...WORLD.patients, ...WORLD.referrals, WORLD.gp, WORLD.specialty, ...WORLD.coverages, WORLD.lab.order, WORLD.lab.result,
];
