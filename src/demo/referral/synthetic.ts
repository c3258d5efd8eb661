/**
 * Synthetic healthcare data for the referral demo: every name, MRN, birth date and member id is generated from a
 * seeded PRNG, so a run is reproducible and no real person appears. Pure: no I/O.
 */

/** A small deterministic PRNG (mulberry32): same seed, same patients. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;

const GIVEN = ['Ada', 'Bea', 'Cai', 'Dara', 'Eli', 'Fern', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kit', 'Lior', 'Mina', 'Noor', 'Otto', 'Pia', 'Quin', 'Rui', 'Sol', 'Tova', 'Uma', 'Vik', 'Wren', 'Yara', 'Zeno'];
const FAMILY = ['Abara', 'Brook', 'Castell', 'Dunmore', 'Eskel', 'Fairley', 'Gorse', 'Hollin', 'Ives', 'Juniper', 'Kestrel', 'Larch', 'Moss', 'Nettle', 'Orrin', 'Pell', 'Quarry', 'Rook', 'Sedge', 'Thorn', 'Vale', 'Wick'];

/** A specialty with the reasons, conditions and lab tests a referral to it typically carries. */
export interface SpecialtySpec {
  readonly code: string;
  readonly name: string;
  readonly reasons: readonly string[];
  readonly conditions: readonly { readonly code: string; readonly display: string }[];
  readonly lab: { readonly testCode: string; readonly testName: string; readonly unit: string; readonly normal: readonly [number, number] };
}

export const SPECIALTIES: readonly SpecialtySpec[] = [
  { code: 'CARD', name: 'Cardiology', reasons: ['Chest pain on exertion', 'Palpitations at rest', 'Newly found heart murmur'],
    conditions: [{ code: 'I20.9', display: 'Angina pectoris, unspecified' }, { code: 'I48.91', display: 'Atrial fibrillation' }],
    lab: { testCode: '2093-3', testName: 'Cholesterol, total', unit: 'mg/dL', normal: [140, 240] } },
  { code: 'DERM', name: 'Dermatology', reasons: ['Changing pigmented lesion', 'Persistent plaque psoriasis'],
    conditions: [{ code: 'L40.0', display: 'Psoriasis vulgaris' }, { code: 'D22.9', display: 'Melanocytic naevus' }],
    lab: { testCode: '1988-5', testName: 'C-reactive protein', unit: 'mg/L', normal: [0, 10] } },
  { code: 'ORTH', name: 'Orthopaedics', reasons: ['Knee pain after a fall', 'Chronic lower back pain'],
    conditions: [{ code: 'M17.1', display: 'Primary osteoarthritis of the knee' }, { code: 'M54.5', display: 'Low back pain' }],
    lab: { testCode: '2000-8', testName: 'Calcium', unit: 'mg/dL', normal: [8.5, 10.5] } },
  { code: 'NEURO', name: 'Neurology', reasons: ['Recurrent migraine with aura', 'Tremor of the right hand'],
    conditions: [{ code: 'G43.1', display: 'Migraine with aura' }, { code: 'G25.0', display: 'Essential tremor' }],
    lab: { testCode: '2132-9', testName: 'Vitamin B12', unit: 'pg/mL', normal: [200, 900] } },
  { code: 'ENDO', name: 'Endocrinology', reasons: ['Poorly controlled type 2 diabetes', 'Suspected hypothyroidism'],
    conditions: [{ code: 'E11.9', display: 'Type 2 diabetes mellitus' }, { code: 'E03.9', display: 'Hypothyroidism' }],
    lab: { testCode: '4548-4', testName: 'Haemoglobin A1c', unit: '%', normal: [4, 6.5] } },
  { code: 'GASTRO', name: 'Gastroenterology', reasons: ['Persistent reflux despite treatment', 'Iron-deficiency anaemia'],
    conditions: [{ code: 'K21.9', display: 'Gastro-oesophageal reflux disease' }, { code: 'D50.9', display: 'Iron deficiency anaemia' }],
    lab: { testCode: '2276-4', testName: 'Ferritin', unit: 'ng/mL', normal: [20, 250] } },
];

export const PAYERS = ['Northwind Health', 'Bluebird Mutual', 'Harbor Care'] as const;
const TRIAGE = ['routine', 'routine', 'routine', 'soon', 'soon', 'urgent', 'emergency'] as const;

/** Specialty by code (throws for an unknown code: the demo's own data is wrong). */
export function specialty(code: string): SpecialtySpec {
  const s = SPECIALTIES.find((x) => x.code === code);
  if (!s) throw new Error(`unknown specialty ${code}`);
  return s;
}

/** One synthetic patient with one referral. */
export interface SyntheticCase {
  readonly index: number;
  readonly patientId: string;
  readonly referralId: string;
  readonly name: string;
  readonly birthDate: string;
  readonly sex: 'female' | 'male' | 'other';
  readonly mrn: string;
  readonly payer: string;
  readonly memberId: string;
  readonly specialty: SpecialtySpec;
  readonly reason: string;
  readonly triageLevel: string;
  readonly gpId: string;
  readonly requiresLab: boolean;
  readonly condition?: { readonly code: string; readonly display: string };
}

/** The `index`-th case of run `seed`: a pure function of both, so restarted agents regenerate the same data. */
export function syntheticCase(seed: number, index: number, gpCount: number): SyntheticCase {
  const rnd = createRandom(seed * 100_003 + index);
  const spec = pick(rnd, SPECIALTIES);
  const year = 1940 + Math.floor(rnd() * 65);
  const month = 1 + Math.floor(rnd() * 12);
  const day = 1 + Math.floor(rnd() * 28);
  const n = String(index + 1).padStart(4, '0');
  return {
    index,
    patientId: `p-${n}`,
    referralId: `r-${n}`,
    name: `${pick(rnd, GIVEN)} ${pick(rnd, FAMILY)}`,
    birthDate: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    sex: pick(rnd, ['female', 'male', 'female', 'male', 'other'] as const),
    mrn: `MRN-${String(100_000 + ((index * 7919 + seed) % 900_000)).padStart(6, '0')}`,
    payer: pick(rnd, PAYERS),
    memberId: `M${String(seed).padStart(2, '0')}${String(index + 1).padStart(6, '0')}`,
    specialty: spec,
    reason: pick(rnd, spec.reasons),
    triageLevel: pick(rnd, TRIAGE),
    gpId: `gp-${1 + Math.floor(rnd() * gpCount)}`,
    requiresLab: rnd() < 0.4,
    ...(rnd() < 0.7 && { condition: pick(rnd, spec.conditions) }),
  };
}

/** Specialists seeded per specialty: two or three, with different capacities. */
export function specialistsFor(spec: SpecialtySpec, seed: number): { id: string; name: string; npi: string; capacity: number }[] {
  const rnd = createRandom(seed * 31 + spec.code.length * 977 + spec.code.charCodeAt(0));
  const count = 2 + Math.floor(rnd() * 2);
  return Array.from({ length: count }, (_, i) => ({
    id: `sp-${spec.code.toLowerCase()}-${i + 1}`,
    name: `Dr ${pick(rnd, GIVEN)} ${pick(rnd, FAMILY)}`,
    npi: String(1_000_000_000 + Math.floor(rnd() * 8_999_999_999)).slice(0, 10),
    capacity: 50 + Math.floor(rnd() * 100),
  }));
}

export const GP_COUNT = 6;
