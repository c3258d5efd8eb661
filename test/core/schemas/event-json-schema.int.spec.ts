/**
 * The generated JSON Schemas say what the validator enforces: Ajv (draft 2020-12, formats on) compiles every event
 * type's schema in strict mode, and for a spread of payloads — valid ones and one of each kind of mistake — Ajv
 * and validatePayload agree on accept / reject.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { loadOntologySync } from '../../../src/app/ontology/ontology-loader.ts';
import { validatePayload } from '../../../src/core/events/payload.ts';
import { InvalidEventError } from '../../../src/core/errors.ts';
import { eventDataSchemas } from '../../../src/core/schemas/event-json-schema.ts';

const ontology = loadOntologySync('ontology/referral');
const schemas = eventDataSchemas(ontology);
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats.default(ajv);

const patient = { '@type': 'Patient', id: 'p-1', name: 'Ann Lee', birthDate: '1970-02-03', mrn: 'MRN-000001' };
const referral = {
  '@type': 'Referral', id: 'r-1', reason: 'Chest pain on exertion', triageLevel: 'urgent', status: 'requested', requestedAt: '2026-11-21T09:00:00Z',
  forPatient: 'p-1', referredBy: { '@type': 'GeneralPractitioner', id: 'gp-7', name: 'Dr Ada Moss' },
  requestedSpecialty: { '@type': 'Specialty', id: 'sp-card', code: 'CARD', name: 'Cardiology' },
};
const without = (o: Record<string, unknown>, key: string): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));

/** [label, event type, data]: each is judged by both. */
const CASES: [string, string, unknown][] = [
  ['valid patient', 'PatientRegistered', patient],
  ['valid referral with nested resources', 'ReferralRequested', referral],
  ['valid @graph', 'PatientRegistered', { '@graph': [patient] }],
  ['valid partial update', 'ReferralTriaged', { '@type': 'Referral', id: 'r-1', triageLevel: 'soon' }],
  ['missing required property', 'PatientRegistered', without(patient, 'name')],
  ['unknown property', 'PatientRegistered', { ...patient, shoeSize: 44 }],
  ['wrong scalar type', 'PatientRegistered', { ...patient, name: 42 }],
  ['bad date', 'PatientRegistered', { ...patient, birthDate: '03/02/1970' }],
  ['value outside sh:in', 'ReferralTriaged', { '@type': 'Referral', id: 'r-1', triageLevel: 'whenever' }],
  ['property the event type may not set', 'ReferralTriaged', { '@type': 'Referral', id: 'r-1', reason: 'x' }],
  ['null for a property it may not retract', 'ReferralTriaged', { '@type': 'Referral', id: 'r-1', triageLevel: null }],
  ['class the event type does not assert', 'PatientRegistered', { '@type': 'Referral', id: 'r-1' }],
  ['missing @type at the top', 'PatientRegistered', without(patient, '@type')],
  ['empty id', 'PatientRegistered', { ...patient, id: '' }],
  ['a list for a functional property', 'PatientRegistered', { ...patient, name: ['Ann', 'Lee'] }],
  ['@delete where the type may not delete', 'PatientRegistered', { '@type': 'Patient', id: 'p-1', '@delete': true }],
  ['empty @graph', 'PatientRegistered', { '@graph': [] }],
  ['not an object', 'PatientRegistered', 'p-1'],
];

function validatorAccepts(type: string, data: unknown): boolean {
  try {
    validatePayload({ specversion: '1.0', id: 'e-1', source: 'agent://test', type, data } as never, ontology);
    return true;
  } catch (err) {
    if (!(err instanceof InvalidEventError)) throw err;
    // The subject rule is the validator's alone (JSON Schema covers `data`).
    return err.issues.every((i) => !i.pointer.startsWith('/data'));
  }
}

void describe('JSON Schema per event type', () => {
  void it('every event type has a schema Ajv compiles in strict mode', () => {
    assert.deepEqual(Object.keys(schemas).sort(), [...ontology.eventTypes.keys()].sort());
    for (const [name, schema] of Object.entries(schemas)) assert.doesNotThrow(() => ajv.compile(schema), name);
  });

  for (const [label, type, data] of CASES) {
    void it(`agrees with the validator: ${label}`, () => {
      const schema = schemas[type];
      assert.ok(schema, type);
      const validate = ajv.getSchema(schema.$id as string) ?? ajv.compile(schema);
      const byValidator = validatorAccepts(type, data);
      assert.equal(validate(data), byValidator, `${label}: ajv ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    });
  }

  void it('the valid cases are valid and the mistakes are mistakes (the table means what it says)', () => {
    assert.deepEqual(CASES.map(([l, t, d]) => [l, validatorAccepts(t, d)]).filter(([l, ok]) => (l as string).startsWith('valid') !== ok), []);
  });
});
