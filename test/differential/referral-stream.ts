/**
 * A seeded stream of referral-ontology CloudEvents for the differential test: every event type, class
 * refinements (bare Practitioner → GeneralPractitioner / Specialist), retractions (`allergy: null`), deletes
 * (a cancelled referral's appointment), exact duplicates, same-id-other-content conflicts and invalid events.
 * Pure and deterministic: the same seed gives the same stream, so both stores receive identical input.
 */
import { createRandom, SPECIALTIES, type SpecialtySpec } from '../../src/demo/referral/synthetic.ts';
import { type Ev, invalidEvents } from './invalid-events.ts';

export type { Ev };

/** Events, in publish order, plus what the generator meant by each (for reporting, not for asserting). */
export interface Stream {
  readonly events: readonly Ev[];
  readonly intent: readonly ('valid' | 'duplicate' | 'conflict' | 'invalid')[];
}

const T0 = Date.parse('2026-11-02T08:00:00Z');
const ALLERGIES = ['penicillin', 'latex', 'peanuts', 'sulfa', 'aspirin', 'iodine'];
const PAYERS = ['Northwind Health', 'Bluebird Mutual', 'Harbor Care'];
const TRIAGE = ['routine', 'soon', 'urgent', 'emergency'];
const pad = (n: number, w = 4): string => String(n).padStart(w, '0');

export function referralStream(seed: number, referrals: number): Stream {
  const rnd = createRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const out: Ev[] = [];
  const intent: Stream['intent'][number][] = [];
  let clock = 0;
  const at = (): string => new Date(T0 + 1000 * clock++).toISOString();
  const ev = (id: string, type: string, subject: string, data: Ev, source = 'agent://gen'): Ev =>
    ({ specversion: '1.0', id, source, type, subject, time: at(), data });
  const push = (e: Ev, kind: Stream['intent'][number] = 'valid'): void => {
    out.push(e);
    intent.push(kind);
  };
  const specId = (s: SpecialtySpec): string => `spec-${s.code.toLowerCase()}`;

  // Network. Specialists per specialty; two of them first registered as plain Practitioners (refined later).
  const specialists = new Map<string, string[]>();
  const refineLater: { id: string; spec: SpecialtySpec }[] = [];
  for (const spec of SPECIALTIES) {
    const ids: string[] = [];
    for (let i = 1; i <= 2 + (spec.code.length % 2); i++) {
      const id = `sp-${spec.code.toLowerCase()}-${i}`;
      ids.push(id);
      if (i === 2 && refineLater.length < 3) {
        push(ev(`reg-${id}`, 'PractitionerRegistered', `Practitioner/${id}`, { '@type': 'Practitioner', id, name: `Dr ${spec.name} ${i}` }));
        refineLater.push({ id, spec });
        continue;
      }
      push(ev(`reg-${id}`, 'SpecialistRegistered', `Specialist/${id}`, {
        '@type': 'Specialist', id, name: `Dr ${spec.name} ${i}`, npi: String(1_000_000_000 + i * 7_777 + spec.code.length), maxActiveReferrals: 20 + 10 * i,
        acceptingReferrals: i !== 3, hasSpecialty: [{ '@type': 'Specialty', id: specId(spec), code: spec.code, name: spec.name }],
      }));
    }
    specialists.set(spec.code, ids);
  }
  // GPs 1–4 registered up front; 5–8 first appear as bare `referredBy` targets and are registered mid-stream.
  for (let g = 1; g <= 4; g++) push(ev(`reg-gp-${g}`, 'PractitionerRegistered', `Practitioner/gp-${g}`, { '@type': 'GeneralPractitioner', id: `gp-${g}`, name: `Dr General ${g}`, npi: String(2_000_000_000 + g) }));

  // Per-referral workflows, interleaved: each referral is a queue of event builders taken in order.
  const patients = Math.max(4, Math.floor(referrals * 0.8));
  for (let p = 1; p <= patients; p++) {
    const id = `p-${pad(p)}`;
    push(ev(`reg-${id}`, 'PatientRegistered', `Patient/${id}`, { '@graph': [
      { '@type': 'Patient', id, name: `Patient ${p}`, birthDate: `19${40 + (p % 60)}-0${1 + (p % 9)}-1${p % 10}`, mrn: `MRN-${pad(100_000 + p, 6)}`,
        ...(p % 3 === 0 && { sex: pick(['female', 'male', 'other', 'unknown']) }), ...(p % 4 === 1 && { allergy: [pick(ALLERGIES)] }) },
      { '@type': 'InsuranceCoverage', id: `cov-${id}`, payer: pick(PAYERS), memberId: `M${pad(p, 8)}`, plan: p % 2 ? 'Standard' : 'Plus', validUntil: `202${7 + (p % 3)}-12-31`, beneficiary: id },
    ] }));
  }
  const queues: (() => Ev)[][] = [];
  for (let r = 1; r <= referrals; r++) queues.push(referralSteps(r));
  let refinedAt = Math.floor(referrals / 3);
  while (queues.some((q) => q.length > 0)) {
    const live = queues.filter((q) => q.length > 0);
    const q = live[Math.floor(rnd() * Math.min(live.length, 12))]!; // a window of 12 referrals in flight
    push(q.shift()!());
    if (rnd() < 0.06) patientUpdate();
    if (rnd() < 0.03 && out.length > 5) push(out[Math.floor(rnd() * out.length)]!, 'duplicate');
    if (rnd() < 0.004) conflictingCopy();
    if (--refinedAt === 0) refinements();
  }
  for (const e of invalidEvents(at, Math.max(40, Math.floor(referrals / 8)), rnd)) push(e, 'invalid');
  return { events: out, intent };

  function patientUpdate(): void {
    const id = `p-${pad(1 + Math.floor(rnd() * patients))}`;
    const roll = rnd();
    const data: Ev = roll < 0.3 ? { '@type': 'Patient', id, allergy: null } // retraction
      : roll < 0.6 ? { '@type': 'Patient', id, allergy: [pick(ALLERGIES), pick(ALLERGIES)] }
      : roll < 0.8 ? { '@type': 'Patient', id, name: `Patient ${id} (renamed ${clock})`, sex: pick(['female', 'male', 'other']) }
      : { '@graph': [{ '@type': 'Patient', id }, { '@type': 'InsuranceCoverage', id: `cov-${id}`, plan: `Plan ${clock % 5}`, payer: pick(PAYERS) }] };
    push(ev(`upd-${clock}`, 'PatientUpdated', `Patient/${id}`, data));
  }

  function conflictingCopy(): void {
    const original = out.find((e, i) => intent[i] === 'valid' && e.type === 'PatientUpdated') ?? out[0]!;
    push({ ...original, data: { '@type': 'Patient', id: 'p-0001', name: `Someone else ${clock}` } }, 'conflict');
  }

  function refinements(): void {
    for (const { id, spec } of refineLater) {
      push(ev(`refine-${id}`, 'SpecialistRegistered', `Specialist/${id}`, { '@type': 'Specialist', id, maxActiveReferrals: 15, acceptingReferrals: true,
        hasSpecialty: [{ '@type': 'Specialty', id: specId(spec) }] }));
    }
    for (let g = 5; g <= 8; g++) push(ev(`reg-gp-${g}`, 'PractitionerRegistered', `Practitioner/gp-${g}`, { '@type': 'GeneralPractitioner', id: `gp-${g}`, name: `Dr Late ${g}` }));
    // A GP is not a Specialist: a sibling class for an existing id is a conflict.
    push(ev('refine-gp-1-as-specialist', 'SpecialistRegistered', 'Specialist/gp-1', { '@type': 'Specialist', id: 'gp-1', name: 'Dr General 1',
      hasSpecialty: [{ '@type': 'Specialty', id: 'spec-card' }] }), 'invalid');
  }

  function referralSteps(r: number): (() => Ev)[] {
    const rid = `r-${pad(r)}`;
    const spec = pick(SPECIALTIES);
    const patient = `p-${pad(1 + Math.floor(rnd() * patients))}`;
    const gp = `gp-${1 + Math.floor(rnd() * 8)}`;
    const requiresLab = rnd() < 0.4;
    const cancelAt = rnd() < 0.12 ? 1 + Math.floor(rnd() * 6) : -1;
    const specialist = pick(specialists.get(spec.code)!);
    const re = (id: string, type: string, data: Ev) => (): Ev => ev(`${id}-${rid}`, type, `Referral/${rid}`, data, pick(['agent://intake', 'agent://insurance', 'agent://lab', 'agent://matcher']));
    const conditions = spec.conditions.filter(() => rnd() < 0.5).map((c) => ({ '@type': 'Condition', id: `cond-${c.code}`, code: c.code, display: c.display }));
    const steps: (() => Ev)[] = [re('request', 'ReferralRequested', {
      '@type': 'Referral', id: rid, reason: pick(spec.reasons), triageLevel: pick(TRIAGE), status: 'requested', requestedAt: new Date(T0 + r * 60_000).toISOString(),
      requiresLab, forPatient: patient, referredBy: gp, requestedSpecialty: specId(spec), ...(conditions.length > 0 && { hasCondition: conditions }),
    })];
    if (rnd() < 0.3) steps.push(re('triage', 'ReferralTriaged', { '@type': 'Referral', id: rid, triageLevel: pick(TRIAGE) }));
    if (rnd() < 0.08) {
      steps.push(re('denied', 'InsuranceDenied', { '@type': 'Referral', id: rid, status: 'insurance-denied',
        hasInsuranceVerification: { '@type': 'InsuranceVerification', id: `iv-${rid}`, status: 'denied', verifiedAt: at(), payer: pick(PAYERS), note: 'Prior authorisation missing' } }));
    }
    steps.push(re('verified', 'InsuranceVerified', { '@type': 'Referral', id: rid, status: 'insurance-verified', coveredBy: `cov-${patient}`,
      hasInsuranceVerification: { '@type': 'InsuranceVerification', id: `iv-${rid}`, status: 'verified', verifiedAt: new Date(T0 + r * 61_000).toISOString(), payer: pick(PAYERS), note: 'Covered' } }));
    if (requiresLab) {
      steps.push(re('lab-ordered', 'LabOrdered', { '@type': 'LabOrder', id: `lab-${rid}`, testCode: spec.lab.testCode, testName: spec.lab.testName, status: 'ordered',
        orderedAt: new Date(T0 + r * 62_000).toISOString(), forReferral: rid }));
      const value = Math.round((spec.lab.normal[0] + rnd() * (spec.lab.normal[1] - spec.lab.normal[0]) * 1.3) * 10) / 10;
      steps.push(re('lab-resulted', 'LabResulted', { '@graph': [
        { '@type': 'LabResult', id: `result-${rid}`, ofOrder: `lab-${rid}`, value, unit: spec.lab.unit, interpretation: value > spec.lab.normal[1] ? 'abnormal' : 'normal', resultedAt: new Date(T0 + r * 63_000).toISOString() },
        { '@type': 'LabOrder', id: `lab-${rid}`, status: 'resulted', forReferral: rid },
      ] }));
    }
    steps.push(re('accept', 'ReferralAccepted', { '@type': 'Referral', id: rid, status: 'accepted', referredTo: specialist }));
    steps.push(re('schedule', 'AppointmentScheduled', { '@graph': [
      { '@type': 'Appointment', id: `appt-${rid}`, startsAt: new Date(T0 + 86_400_000 + r * 1_800_000).toISOString(), location: `Room ${1 + (r % 7)}`, withSpecialist: specialist, forReferral: rid, status: 'booked' },
      { '@type': 'Referral', id: rid, status: 'scheduled' },
    ] }));
    steps.push(re('complete', 'ReferralCompleted', { '@graph': [{ '@type': 'Referral', id: rid, status: 'completed' }, { '@type': 'Appointment', id: `appt-${rid}`, status: 'fulfilled' }] }));
    if (cancelAt > 0 && cancelAt < steps.length) {
      // Cancelled mid-way: the rest never happens; the appointment (booked or not yet) is deleted.
      steps.length = cancelAt;
      steps.push(re('cancel', 'ReferralCancelled', { '@graph': [
        { '@type': 'Referral', id: rid, status: 'cancelled', cancellationReason: pick(['Patient declined', 'Resolved in primary care', 'Moved away']) },
        { '@type': 'Appointment', id: `appt-${rid}`, '@delete': true },
      ] }));
    }
    return steps;
  }
}
