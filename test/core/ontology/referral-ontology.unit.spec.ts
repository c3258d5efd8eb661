/**
 * The shipped referral ontology (ontology/referral/v1 + ontology/trailgraph.ttl) compiled with the pure compiler.
 * Other engineers build the API, the planner and the demo on these names: this test pins them.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { compileOntology } from '../../../src/core/ontology/compile.ts';
import { constraintFor, isA, labelsOf } from '../../../src/core/ontology/model.ts';

const dir = 'ontology/referral/v1';
const files = [...readdirSync(dir).filter((f) => f.endsWith('.ttl')).map((f) => `${dir}/${f}`), 'ontology/trailgraph.ttl'];
const result = compileOntology(files.map((file) => ({ file, text: readFileSync(file, 'utf8') })));
const o = result.ontology;

void describe('referral ontology v1', () => {
  void it('compiles with zero errors and zero warnings', () => {
    assert.deepEqual(result.diagnostics, []);
    assert.ok(o);
  });

  void it('is version 1.0.0 with its version IRI, label and comment', () => {
    assert.equal(o?.iri, 'https://trailgraph.dev/ontology/referral');
    assert.equal(o?.version, '1.0.0');
    assert.equal(o?.versionIri, 'https://trailgraph.dev/ontology/referral/1.0.0');
    assert.equal(o?.label, 'Referral clinic');
    assert.ok(o?.comment);
  });

  void it('has the clinic classes, each documented, and nothing from the tg: vocabulary', () => {
    assert.ok(o);
    const expected = ['Patient', 'Practitioner', 'GeneralPractitioner', 'Specialist', 'Specialty', 'Referral', 'InsuranceCoverage', 'LabOrder', 'LabResult', 'Appointment', 'Condition'];
    assert.deepEqual([...o.classes.keys()].sort(), [...expected].sort());
    for (const c of o.classes.values()) assert.ok(c.label && c.comment, `${c.name} needs rdfs:label and rdfs:comment`);
    for (const p of o.properties.values()) assert.ok(p.label && p.comment, `${p.name} needs rdfs:label and rdfs:comment`);
    assert.ok(!o.classes.has('EventType'));
    assert.ok(!o.properties.has('creates'));
  });

  void it('computes the class closure', () => {
    assert.ok(o);
    assert.deepEqual(o.classes.get('Specialist')?.ancestors, ['Practitioner']);
    assert.deepEqual([...(o.classes.get('Practitioner')?.descendants ?? [])].sort(), ['GeneralPractitioner', 'Specialist']);
    assert.ok(isA(o, 'GeneralPractitioner', 'Practitioner'));
    assert.deepEqual(labelsOf(o, 'Specialist'), ['Specialist', 'Practitioner']);
    // Inherited properties: a specialist has a name and an NPI through Practitioner.
    const specialist = o.classes.get('Specialist');
    for (const p of ['name', 'npi', 'maxActiveReferrals']) assert.ok(specialist?.datatypeProperties.includes(p), p);
    assert.ok(specialist?.objectProperties.includes('hasSpecialty'));
    assert.ok(specialist?.incomingProperties.includes('referredTo'));
    assert.ok(specialist?.incomingProperties.includes('referredBy'), 'referredBy ranges over Practitioner, an ancestor');
    assert.deepEqual([...(o.classes.get('Patient')?.incomingProperties ?? [])].sort(), ['beneficiary', 'forPatient']);
  });

  void it('has functional flags, ranges and declared inverse names', () => {
    assert.ok(o);
    const p = (n: string) => o.properties.get(n);
    assert.equal(p('allergy')?.functional, false);
    assert.equal(p('hasCondition')?.functional, false);
    assert.equal(p('forPatient')?.functional, true);
    assert.equal(p('maxActiveReferrals')?.kind === 'datatype' && p('maxActiveReferrals')?.range, 'integer');
    assert.equal(p('requestedAt')?.kind === 'datatype' && p('requestedAt')?.range, 'dateTime');
    assert.equal(p('birthDate')?.kind === 'datatype' && p('birthDate')?.range, 'date');
    const inverses = Object.fromEntries([...o.properties.values()].flatMap((d) => (d.kind === 'object' ? [[d.name, d.inverseName]] : [])));
    assert.equal(inverses.forPatient, 'referrals');
    assert.equal(inverses.referredTo, 'referralsReceived');
    assert.equal(inverses.withSpecialist, 'appointments');
    assert.equal(inverses.ofOrder, 'results');
    const referredTo = p('referredTo');
    assert.equal(referredTo?.kind === 'object' && referredTo.range, 'Specialist');
    assert.deepEqual(p('status')?.domain, ['Referral', 'LabOrder', 'Appointment']);
  });

  void it('has SHACL constraints per class: required properties, enumerations, patterns', () => {
    assert.ok(o);
    assert.deepEqual(constraintFor(o, 'Referral', 'priority').in, ['routine', 'urgent', 'emergency']);
    assert.equal(constraintFor(o, 'Referral', 'priority').minCount, 1);
    assert.equal(constraintFor(o, 'Referral', 'priority').maxCount, 1, 'functional ⇒ maxCount 1');
    assert.equal(constraintFor(o, 'Referral', 'status').in?.length, 10);
    assert.deepEqual(constraintFor(o, 'LabOrder', 'status').in, ['ordered', 'collected', 'resulted', 'cancelled']);
    const mrn = new RegExp(constraintFor(o, 'Patient', 'mrn').pattern ?? '');
    assert.ok(mrn.test('MRN-004211') && !mrn.test('4211'));
    const icd = new RegExp(constraintFor(o, 'Condition', 'code').pattern ?? '');
    assert.ok(icd.test('I20.9') && icd.test('L40') && !icd.test('cardiac'));
    const loinc = new RegExp(constraintFor(o, 'LabOrder', 'testCode').pattern ?? '');
    assert.ok(loinc.test('2345-7') && !loinc.test('glucose'));
    // Subclasses inherit the shapes of their ancestors.
    assert.equal(constraintFor(o, 'Specialist', 'name').minCount, 1);
    assert.equal(constraintFor(o, 'Specialist', 'maxActiveReferrals').minInclusive, 0);
    assert.deepEqual(constraintFor(o, 'LabResult', 'interpretation').in, ['normal', 'abnormal', 'critical']);
  });

  void it('declares the workflow event types', () => {
    assert.ok(o);
    const names = ['PatientRegistered', 'PractitionerRegistered', 'SpecialistRegistered', 'ReferralRequested', 'InsuranceVerified', 'InsuranceDenied', 'LabOrdered', 'LabResulted', 'ReferralAccepted', 'AppointmentScheduled', 'ReferralCompleted', 'ReferralCancelled'];
    for (const n of names) assert.ok(o.eventTypes.has(n), n);
    const requested = o.eventTypes.get('ReferralRequested');
    assert.deepEqual(requested?.creates, ['Referral']);
    assert.ok(requested?.asserts.includes('Patient') && requested.asserts.includes('Referral'));
    assert.equal(requested?.aggregate, 'Referral');
    assert.deepEqual(o.eventTypes.get('ReferralAccepted')?.assertsProperties, ['status', 'referredTo']);
    assert.deepEqual(o.eventTypes.get('ReferralCancelled')?.deletes, ['Appointment']);
    assert.deepEqual(o.eventTypes.get('PatientUpdated')?.retracts, ['allergy']);
    for (const e of o.eventTypes.values()) assert.ok(e.aggregate, `${e.name} has an aggregate`);
  });

  void it('is deeply frozen', () => {
    assert.ok(o);
    assert.ok(Object.isFrozen(o.classes.get('Referral')));
    assert.throws(() => (o.eventTypes.get('ReferralAccepted')?.assertsProperties as string[]).push('x'));
  });
});
