import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildOntology, type OntologySpec } from '../../src/core/ontology/build.ts';
import { classify, type ChangeKind, type StepCompatibility } from '../../src/core/migrations/changes.ts';
import { diffOntologies, type RenameHints } from '../../src/core/migrations/diff.ts';

const IRI = 'https://example.org/clinic';

function baseSpec(): OntologySpec {
  return {
    iri: IRI,
    version: '1.0.0',
    classes: {
      Patient: { label: 'Patient' },
      Practitioner: {},
      Specialist: { superClasses: ['Practitioner'] },
      Referral: {},
    },
    datatypeProperties: {
      name: { domain: ['Patient', 'Practitioner'], range: 'string', functional: true },
      age: { domain: ['Patient'], range: 'integer', functional: true },
      note: { domain: ['Referral'], range: 'string', functional: true },
      priority: { domain: ['Referral'], range: 'string', functional: true },
      allergy: { domain: ['Patient'], range: 'string' },
      code: { domain: ['Referral'], range: 'string', functional: true },
    },
    objectProperties: {
      forPatient: { domain: ['Referral'], range: 'Patient', functional: true, inverseOf: 'referrals' },
      referredBy: { domain: ['Referral'], range: 'Practitioner', functional: true },
    },
    shapes: {
      PatientShape: { targetClass: 'Patient', properties: { name: { minCount: 1, maxLength: 200 } } },
      ReferralShape: {
        targetClass: 'Referral',
        properties: {
          priority: { minCount: 1, in: ['routine', 'urgent', 'emergency'] },
          code: { pattern: '^[A-Z]{3}$' },
        },
      },
    },
    eventTypes: {
      PatientRegistered: { creates: ['Patient'], asserts: [], aggregate: 'Patient' },
      PatientUpdated: { asserts: ['Patient'], retracts: ['allergy', 'age'], aggregate: 'Patient' },
      ReferralRequested: { creates: ['Referral'], asserts: ['Patient', 'Practitioner'], aggregate: 'Referral' },
    },
  };
}

interface Case {
  readonly name: string;
  readonly change: (s: OntologySpec) => void;
  readonly hints?: RenameHints;
  /** Expected change kinds (in any order) and the step classification. */
  readonly kinds: readonly ChangeKind[];
  readonly level: StepCompatibility;
}

const CASES: readonly Case[] = [
  { name: 'label change only', change: (s) => { s.classes.Patient = { label: 'Client' }; }, kinds: [], level: 'FULL' },
  { name: 'class added', change: (s) => { s.classes.Payer = {}; }, kinds: ['classAdded'], level: 'BACKWARD' },
  { name: 'class removed', change: (s) => { delete s.classes.Specialist; }, kinds: ['classRemoved'], level: 'BREAKING' },
  {
    name: 'class renamed (hint)', change: (s) => { delete s.classes.Specialist; s.classes.Consultant = { superClasses: ['Practitioner'] }; },
    hints: { classes: { Specialist: 'Consultant' } }, kinds: ['classRenamed'], level: 'BREAKING',
  },
  { name: 'superclass added', change: (s) => { s.classes.Referral = { superClasses: ['Patient'] }; }, kinds: ['superClassAdded'], level: 'FULL' },
  {
    name: 'optional property added', change: (s) => { s.datatypeProperties!.nickname = { domain: ['Patient'], range: 'string', functional: true }; },
    kinds: ['propertyAdded'], level: 'BACKWARD',
  },
  {
    name: 'required property added',
    change: (s) => {
      s.datatypeProperties!.nhsNumber = { domain: ['Patient'], range: 'string', functional: true };
      s.shapes!.PatientShape!.properties.nhsNumber = { minCount: 1 };
    },
    kinds: ['propertyAdded'], level: 'BREAKING',
  },
  { name: 'optional property removed', change: (s) => { delete s.datatypeProperties!.note; }, kinds: ['propertyRemoved'], level: 'BREAKING' },
  {
    name: 'property renamed (hint)',
    change: (s) => { s.datatypeProperties!.remark = s.datatypeProperties!.note!; delete s.datatypeProperties!.note; },
    hints: { properties: { note: 'remark' } }, kinds: ['propertyRenamed'], level: 'BREAKING',
  },
  {
    name: 'property kind changed', change: (s) => { delete s.datatypeProperties!.code; s.objectProperties!.code = { domain: ['Referral'], range: 'Patient' }; },
    kinds: ['propertyKindChanged'], level: 'BREAKING',
  },
  { name: 'range widened integer→float', change: (s) => { s.datatypeProperties!.age!.range = 'float'; }, kinds: ['rangeWidened'], level: 'BREAKING' },
  { name: 'range narrowed string→date', change: (s) => { s.datatypeProperties!.note!.range = 'date'; }, kinds: ['rangeNarrowed'], level: 'BREAKING' },
  { name: 'range changed integer→boolean', change: (s) => { s.datatypeProperties!.age!.range = 'boolean'; }, kinds: ['rangeChanged'], level: 'BREAKING' },
  { name: 'object range narrowed', change: (s) => { s.objectProperties!.referredBy!.range = 'Specialist'; }, kinds: ['rangeNarrowed'], level: 'BREAKING' },
  { name: 'domain widened', change: (s) => { s.datatypeProperties!.note!.domain = ['Referral', 'Patient']; }, kinds: ['domainWidened'], level: 'BACKWARD' },
  { name: 'domain narrowed', change: (s) => { s.datatypeProperties!.name!.domain = ['Patient']; }, kinds: ['domainNarrowed'], level: 'BREAKING' },
  { name: 'functional removed', change: (s) => { s.datatypeProperties!.note!.functional = false; }, kinds: ['functionalRemoved'], level: 'BREAKING' },
  { name: 'functional added', change: (s) => { s.datatypeProperties!.allergy!.functional = true; }, kinds: ['functionalAdded'], level: 'BREAKING' },
  {
    name: 'minCount raised (property becomes required)', change: (s) => { s.shapes!.ReferralShape!.properties.note = { minCount: 1 }; },
    kinds: ['minCountRaised'], level: 'FORWARD',
  },
  {
    name: 'minCount lowered (property becomes optional)', change: (s) => { s.shapes!.PatientShape!.properties.name = { maxLength: 200 }; },
    kinds: ['minCountLowered'], level: 'BACKWARD',
  },
  {
    name: 'maxCount lowered', change: (s) => { s.shapes!.PatientShape!.properties.allergy = { maxCount: 3 }; },
    kinds: ['maxCountLowered'], level: 'FORWARD',
  },
  {
    name: 'sh:in value added', change: (s) => { s.shapes!.ReferralShape!.properties.priority = { minCount: 1, in: ['routine', 'soon', 'urgent', 'emergency'] }; },
    kinds: ['valuesAdded'], level: 'BACKWARD',
  },
  {
    name: 'sh:in value removed', change: (s) => { s.shapes!.ReferralShape!.properties.priority = { minCount: 1, in: ['routine', 'urgent'] }; },
    kinds: ['valuesRemoved'], level: 'FORWARD',
  },
  {
    name: 'sh:in values added and removed', change: (s) => { s.shapes!.ReferralShape!.properties.priority = { minCount: 1, in: ['low', 'high'] }; },
    kinds: ['valuesAdded', 'valuesRemoved'], level: 'BREAKING',
  },
  {
    name: 'sh:in restriction removed', change: (s) => { s.shapes!.ReferralShape!.properties.priority = { minCount: 1 }; },
    kinds: ['enumerationRemoved'], level: 'BACKWARD',
  },
  {
    name: 'sh:in restriction added', change: (s) => { s.shapes!.ReferralShape!.properties.note = { in: ['a', 'b'] }; },
    kinds: ['enumerationAdded'], level: 'FORWARD',
  },
  { name: 'pattern changed', change: (s) => { s.shapes!.ReferralShape!.properties.code = { pattern: '^[A-Z]{4}$' }; }, kinds: ['patternChanged'], level: 'BREAKING' },
  { name: 'pattern removed', change: (s) => { s.shapes!.ReferralShape!.properties.code = {}; }, kinds: ['patternRemoved'], level: 'BACKWARD' },
  {
    name: 'maxLength lowered', change: (s) => { s.shapes!.PatientShape!.properties.name = { minCount: 1, maxLength: 100 }; },
    kinds: ['constraintNarrowed'], level: 'FORWARD',
  },
  { name: 'inverse changed', change: (s) => { s.objectProperties!.forPatient!.inverseOf = 'referralsOf'; }, kinds: ['inverseChanged'], level: 'BREAKING' },
  {
    name: 'event type added', change: (s) => { s.eventTypes!.ReferralClosed = { asserts: ['Referral'], aggregate: 'Referral' }; },
    kinds: ['eventTypeAdded'], level: 'BACKWARD',
  },
  { name: 'event type removed', change: (s) => { delete s.eventTypes!.PatientUpdated; }, kinds: ['eventTypeRemoved'], level: 'FORWARD' },
  {
    name: 'event type asserts more', change: (s) => { s.eventTypes!.PatientUpdated!.asserts = ['Patient', 'Practitioner']; },
    kinds: ['eventTypeWidened'], level: 'BACKWARD',
  },
  {
    name: 'event type retracts less', change: (s) => { s.eventTypes!.PatientUpdated!.retracts = ['allergy']; },
    kinds: ['eventTypeNarrowed'], level: 'FORWARD',
  },
  {
    name: 'event type creates more', change: (s) => { s.eventTypes!.ReferralRequested!.creates = ['Referral', 'Patient']; },
    kinds: ['eventTypeNarrowed'], level: 'FORWARD',
  },
  {
    name: 'event type aggregate changed', change: (s) => { s.eventTypes!.ReferralRequested!.aggregate = 'Patient'; },
    kinds: ['eventTypeChanged'], level: 'BREAKING',
  },
  {
    name: 'event type renamed (hint)', change: (s) => { s.eventTypes!.PatientEnrolled = s.eventTypes!.PatientRegistered!; delete s.eventTypes!.PatientRegistered; },
    hints: { eventTypes: { PatientRegistered: 'PatientEnrolled' } }, kinds: ['eventTypeRenamed'], level: 'BREAKING',
  },
  {
    name: 'optional property added + event type removed (BACKWARD ∧ FORWARD)',
    change: (s) => { s.datatypeProperties!.nickname = { domain: ['Patient'], range: 'string', functional: true }; delete s.eventTypes!.PatientUpdated; },
    kinds: ['propertyAdded', 'eventTypeRemoved'], level: 'BREAKING',
  },
];

for (const c of CASES) {
  void test(`diff: ${c.name} → ${c.kinds.join(' + ') || 'no change'}, ${c.level}`, () => {
    const before = buildOntology(baseSpec());
    const spec = structuredClone(baseSpec());
    c.change(spec);
    spec.version = '1.1.0';
    const after = buildOntology(spec);
    const changes = diffOntologies(before, after, c.hints);
    assert.deepEqual(changes.map((x) => x.kind).sort(), [...c.kinds].sort(), JSON.stringify(changes, null, 1));
    assert.equal(classify(changes).level, c.level);
  });
}

void test('diff: a renamed property is kept as a deprecated alias for the API, and renames carry their other changes', () => {
  const before = buildOntology(baseSpec());
  const spec = baseSpec();
  spec.datatypeProperties!.triageLevel = spec.datatypeProperties!.priority!;
  delete spec.datatypeProperties!.priority;
  spec.shapes!.ReferralShape!.properties = { triageLevel: { minCount: 1, in: ['routine', 'soon', 'urgent', 'emergency'] }, code: { pattern: '^[A-Z]{3}$' } };
  const changes = diffOntologies(before, buildOntology(spec), { properties: { priority: 'triageLevel' } });
  assert.deepEqual(changes.map((c) => [c.kind, c.term, c.api]), [
    ['propertyRenamed', 'priority', 'deprecated'],
    ['valuesAdded', 'Referral.triageLevel', 'compatible'],
  ]);
  assert.match(changes[1]!.detail, /soon/);
  const verdict = classify(changes);
  assert.equal(verdict.api, 'deprecated');
  assert.equal(verdict.payload, 'NONE');
  assert.equal(verdict.breaking.length, 1);
});

void test('diff: without a hint a rename shows as a removal and an addition', () => {
  const before = buildOntology(baseSpec());
  const spec = baseSpec();
  spec.datatypeProperties!.remark = spec.datatypeProperties!.note!;
  delete spec.datatypeProperties!.note;
  assert.deepEqual(diffOntologies(before, buildOntology(spec)).map((c) => c.kind), ['propertyRemoved', 'propertyAdded']);
});
