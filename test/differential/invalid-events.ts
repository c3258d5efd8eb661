/**
 * Invalid referral events, one of each kind a producer gets wrong: enumeration, pattern, datatype, unknown
 * property, missing required property on creation, retracting what the event type may not retract, deleting a
 * class it may not delete, an undeclared event type, a subject that disagrees with the body. Every one must be
 * rejected (dead-lettered) identically by both stores.
 */
/** One CloudEvent as generated (loose JSON; the stream module re-exports this). */
export type Ev = Record<string, unknown>;

type Make = (n: string, next: string) => Pick<Ev, 'type' | 'subject' | 'data'>;

const KINDS: readonly Make[] = [
  (n) => ({ type: 'ReferralTriaged', subject: `Referral/r-${n}`, data: { '@type': 'Referral', id: `r-${n}`, triageLevel: 'whenever' } }),
  (n) => ({ type: 'PatientRegistered', subject: `Patient/px-${n}`, data: { '@type': 'Patient', id: `px-${n}`, name: 'Bad Mrn', birthDate: '1970-01-01', mrn: 'mrn 12' } }),
  (n) => ({ type: 'SpecialistRegistered', subject: `Specialist/sx-${n}`, data: { '@type': 'Specialist', id: `sx-${n}`, name: 'Dr X', maxActiveReferrals: 'ten', hasSpecialty: ['spec-card'] } }),
  (n) => ({ type: 'PatientUpdated', subject: `Patient/p-${n}`, data: { '@type': 'Patient', id: `p-${n}`, favouriteColour: 'blue' } }),
  (n) => ({ type: 'ReferralRequested', subject: `Referral/rx-${n}`, data: { '@type': 'Referral', id: `rx-${n}`, status: 'requested', triageLevel: 'routine' } }),
  (n) => ({ type: 'PatientUpdated', subject: `Patient/p-${n}`, data: { '@type': 'Patient', id: `p-${n}`, name: null } }),
  (n) => ({ type: 'ReferralAccepted', subject: `Referral/r-${n}`, data: { '@type': 'Referral', id: `r-${n}`, '@delete': true } }),
  (n) => ({ type: 'ReferralTeleported', subject: `Referral/r-${n}`, data: { '@type': 'Referral', id: `r-${n}` } }),
  (n, next) => ({ type: 'ReferralTriaged', subject: `Referral/r-${next}`, data: { '@type': 'Referral', id: `r-${n}`, triageLevel: 'urgent' } }),
  (n) => ({ type: 'LabResulted', subject: `Referral/r-${n}`, data: { '@type': 'LabResult', id: `res-x-${n}`, ofOrder: `lab-r-${n}`, interpretation: 'fine', resultedAt: '2026-11-02T09:00:00Z' } }),
  (n) => ({ type: 'PatientRegistered', subject: `Patient/py-${n}`, data: { '@type': 'Patient', id: `py-${n}`, name: 'Bad Date', birthDate: '31/12/1970', mrn: 'MRN-999999' } }),
  (n) => ({ type: 'ReferralAccepted', subject: `Referral/r-${n}`, data: { '@type': 'Referral', id: `r-${n}`, status: 'accepted', referredTo: { '@type': 'Patient', id: `p-${n}` } } }),
];

/** `count` invalid events, cycling through the kinds, with fresh ids and times from `at`. */
export function invalidEvents(at: () => string, count: number, rnd: () => number): Ev[] {
  const out: Ev[] = [];
  for (let i = 0; i < count; i++) {
    const n = 1 + Math.floor(rnd() * 200);
    const pad = (k: number): string => String(k).padStart(4, '0');
    out.push({ specversion: '1.0', id: `bad-${i}`, source: 'agent://gen', time: at(), ...KINDS[i % KINDS.length]!(pad(n), pad(n + 1)) });
  }
  return out;
}
