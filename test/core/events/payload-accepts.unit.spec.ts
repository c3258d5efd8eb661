import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadOntology } from '../../../src/app/ontology/ontology-loader.ts';
import { buildDataAccepts } from '../../../src/core/events/payload-accepts.ts';
import { payloadSchema } from '../../../src/core/events/payload.ts';
import type { CompiledOntology } from '../../../src/core/ontology/model.ts';
import { clinicOntology } from '../../fixtures/clinic-ontology.ts';

/** Values that break one rule or another: wrong types, empties, nulls, lists, bad formats, nested junk. */
const ODD_VALUES: readonly unknown[] = [
  null, '', 'x', 'urgent', 'accepted', 'ABC', 'abc', '2026-11-21', '2026-02-30', '2026-11-21T09:00:00Z', 'not a date',
  0, -1, 3, 2.5, 2 ** 53, true, false, [], ['a'], ['a', 'a'], [1], [null], ['p-1', 'p-2'], {}, { id: 'x' },
  { id: '' }, { '@type': 'Patient', id: 'p-9', name: 'N' }, { '@type': 'Specialist', id: 's-9' }, { '@type': 'Nope', id: 'n' },
  { '@type': 'Patient', id: 'p-9' }, { id: 'p-9', name: 'N', '@delete': true }, 'x'.repeat(201),
];
const ODD_KEYS = ['@delete', '@graph', '@id', '@type', 'id', 'unknownProp', 'name', 'allergy', 'capacity', 'code', 'status', 'referredTo'];

/** Every single-edit variant of a JSON value: each key removed or set to each odd value, plus odd keys added. */
function* mutations(value: unknown): Generator<unknown> {
  if (Array.isArray(value)) {
    yield [];
    for (let i = 0; i < value.length; i++) {
      for (const m of mutations(value[i])) yield value.map((v, j) => (j === i ? m : v));
      yield value.filter((_, j) => j !== i);
    }
    return;
  }
  if (value === null || typeof value !== 'object') {
    yield* ODD_VALUES;
    return;
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const { [key]: dropped, ...rest } = obj;
    yield rest;
    for (const m of mutations(dropped)) yield { ...obj, [key]: m };
  }
  for (const key of ODD_KEYS) if (!(key in obj)) for (const v of ODD_VALUES.slice(0, 12)) yield { ...obj, [key]: v };
}

function check(ontology: CompiledOntology, samples: readonly (readonly [string, unknown])[]): { accepted: number; rejected: number } {
  let accepted = 0;
  let rejected = 0;
  for (const [type, data] of samples) {
    const et = ontology.eventTypes.get(type);
    const schema = payloadSchema(ontology, type);
    assert.ok(et && schema, type);
    const accepts = buildDataAccepts(ontology, et);
    assert.equal(accepts(data), true, `the fast path accepts the valid ${type} sample`);
    for (const m of [data, ...mutations(data)]) {
      const fast = accepts(m);
      const zod: boolean = schema.safeParse(m).success;
      // The one property that matters: the fast path never accepts what zod rejects.
      if (fast) assert.equal(zod, true, `fast path accepted what zod rejects (${type}): ${JSON.stringify(m)}`);
      if (fast) accepted++;
      else rejected++;
      // Stricter than zod is allowed but should be rare: it only costs a zod run.
      if (!fast && zod) assert.fail(`fast path rejects what zod accepts (${type}), a needless slow path: ${JSON.stringify(m)}`);
    }
  }
  return { accepted, rejected };
}

void describe('payload fast path (payload-accepts.ts) agrees with the zod schemas', () => {
  void it('clinic ontology: valid events and every single-edit mutation of them', () => {
    const referral = {
      '@type': 'Referral', id: 'r-1', reason: 'Chest pain', priority: 'urgent', status: 'requested', score: 0.5, requestedAt: '2026-11-21T09:00:00Z',
      forPatient: { '@type': 'Patient', id: 'p-1', name: 'Lou', allergy: ['penicillin'], birthDate: '1980-02-29' },
      referredBy: { '@type': 'Specialist', id: 'sp-1', capacity: 3, hasSpecialty: [{ id: 's-1', name: 'Cardiology', code: 'CAR' }, 's-2'] },
      requestedSpecialty: 's-1',
    };
    const { accepted, rejected } = check(clinicOntology(), [
      ['ReferralRequested', referral],
      ['ReferralRequested', { '@graph': [{ '@type': 'Patient', id: 'p-1', name: 'Lou' }, { ...referral, forPatient: 'p-1' }] }],
      ['PatientUpdated', { '@type': 'Patient', id: 'p-1', allergy: null, birthDate: null, name: 'Lou' }],
      ['PatientRegistered', { '@type': 'Patient', id: 'p-1', name: 'Lou', allergy: [] }],
      ['PractitionerRegistered', { '@type': 'Specialist', id: 'sp-1', name: 'Dr', hasSpecialty: { id: 's-1', code: 'CAR' } }],
      ['ReferralAccepted', { '@type': 'Referral', id: 'r-1', status: 'accepted', referredTo: 'sp-1' }],
      ['ReferralReassigned', { '@type': 'Referral', id: 'r-1', referredTo: null }],
      ['ReferralCancelled', { '@type': 'Referral', id: 'r-1', '@delete': true }],
    ]);
    assert.ok(accepted > 50 && rejected > 500, `accepted ${accepted}, rejected ${rejected}`);
  });

  let referral: CompiledOntology;
  before(async () => {
    referral = await loadOntology('ontology/referral/v1');
  });

  void it('referral ontology (Turtle): every event type with a minimal resource, and its mutations', () => {
    const samples: [string, unknown][] = [];
    for (const et of referral.eventTypes.values()) {
      for (const cls of [...et.creates, ...et.asserts]) {
        // A resource of the class with its required properties filled by the first odd value zod accepts.
        const schema = payloadSchema(referral, et.name);
        assert.ok(schema);
        let data: Record<string, unknown> = { '@type': cls, id: `${cls}-1` };
        for (let pass = 0; pass < 8 && !schema.safeParse(data).success; pass++) {
          const issue = schema.safeParse(data).error?.issues[0];
          const key = issue?.path[0];
          if (typeof key !== 'string') break;
          const fix = ODD_VALUES.find((v) => v !== null && schema.safeParse({ ...data, [key]: v }).error?.issues[0]?.path[0] !== key);
          if (fix === undefined) break;
          data = { ...data, [key]: fix };
        }
        if (schema.safeParse(data).success) samples.push([et.name, data]);
      }
    }
    assert.ok(samples.length >= 3, `built ${samples.length} valid samples`);
    check(referral, samples);
  });
});
