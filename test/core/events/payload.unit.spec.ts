import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidEventError } from '../../../src/core/errors.ts';
import type { CloudEvent } from '../../../src/core/events/cloud-event.ts';
import { payloadSchema, validatePayload } from '../../../src/core/events/payload.ts';
import { clinicOntology } from '../../fixtures/clinic-ontology.ts';

const ontology = clinicOntology();

function event(type: string, data: unknown, extra: Record<string, unknown> = {}): CloudEvent {
  return { specversion: '1.0', id: 'evt-1', source: 'agent://test', type, data, ...extra };
}

const referral = {
  '@type': 'Referral',
  id: 'r-1',
  reason: 'Chest pain on exertion',
  priority: 'urgent',
  forPatient: 'p-1',
  referredBy: { '@type': 'GeneralPractitioner', id: 'gp-7', name: 'Dr Ada Moss' },
};

function issuesOf(e: CloudEvent): { pointer: string; message: string }[] {
  try {
    validatePayload(e, ontology);
  } catch (err) {
    assert.ok(err instanceof InvalidEventError, String(err));
    assert.equal(err.eventId, 'evt-1');
    return [...err.issues];
  }
  assert.fail('expected the payload to be rejected');
}

void describe('validatePayload: valid payloads', () => {
  void it('accepts the payload format of the brief and derives the subject', () => {
    const out = validatePayload(event('ReferralRequested', referral), ontology);
    assert.equal(out.subject, 'Referral/r-1');
  });

  void it('keeps a correct subject and returns the same event', () => {
    const e = event('ReferralRequested', referral, { subject: 'Referral/r-1' });
    assert.equal(validatePayload(e, ontology), e);
  });

  void it('accepts @graph, nested resources without @type (range), lists and ids', () => {
    const e = event('ReferralRequested', {
      '@graph': [
        { '@type': 'Patient', id: 'p-1', name: 'Lou', allergy: ['penicillin', 'latex'], birthDate: '1980-02-29' },
        { ...referral, referredBy: { id: 'pr-9', name: 'Dr Who' }, requestedSpecialty: { id: 's-1', name: 'Cardiology', code: 'CAR' } },
      ],
    });
    assert.doesNotThrow(() => validatePayload(e, ontology));
  });

  void it('accepts a subclass where the range is its superclass (Specialist as referredBy)', () => {
    const e = event('ReferralRequested', { ...referral, referredBy: { '@type': 'Specialist', id: 'sp-1', capacity: 3 } });
    assert.doesNotThrow(() => validatePayload(e, ontology));
  });

  void it('accepts partial updates for asserted (not created) classes, and null on retractable properties', () => {
    assert.doesNotThrow(() => validatePayload(event('PatientUpdated', { '@type': 'Patient', id: 'p-1', allergy: null, birthDate: null }), ontology));
    assert.doesNotThrow(() => validatePayload(event('ReferralAccepted', { '@type': 'Referral', id: 'r-1', status: 'accepted' }), ontology));
    assert.doesNotThrow(() => validatePayload(event('ReferralReassigned', { '@type': 'Referral', id: 'r-1', referredTo: null }), ontology));
  });

  void it('accepts @delete for a class the event type deletes', () => {
    assert.doesNotThrow(() => validatePayload(event('ReferralCancelled', { '@type': 'Referral', id: 'r-1', '@delete': true }), ontology));
  });

  void it('builds the validators once per ontology', () => {
    assert.equal(payloadSchema(ontology, 'ReferralRequested'), payloadSchema(ontology, 'ReferralRequested'));
    assert.notEqual(payloadSchema(clinicOntology(), 'ReferralRequested'), payloadSchema(ontology, 'ReferralRequested'));
  });
});

void describe('validatePayload: rejections', () => {
  const cases: [string, CloudEvent, string, RegExp][] = [
    ['unknown event type', event('ReferalRequested', referral), '/type', /unknown event type "ReferalRequested": expected one of ReferralRequested, /],
    ['data not an object', event('ReferralRequested', 'r-1'), '/data', /expected a resource object .* or \{"@graph": \[\.\.\.\]\}, got "r-1"/],
    ['missing top-level @type', event('ReferralRequested', { id: 'r-1' }), '/data/@type', /missing "@type": expected one of /],
    ['undeclared class', event('ReferralRequested', { ...referral, '@type': 'Invoice' }), '/data/@type', /unknown class "Invoice"/],
    ['class not asserted by the type', event('PatientUpdated', { '@type': 'Referral', id: 'r-1' }), '/data/@type', /event type PatientUpdated does not assert Referral: expected one of Patient/],
    ['missing id', event('PatientUpdated', { '@type': 'Patient' }), '/data/id', /expected the resource id as a non-empty string, got nothing/],
    ['unknown property', event('ReferralRequested', { ...referral, colour: 'red' }), '/data/colour', /unknown property colour for Referral: expected one of reason, priority/],
    ['unsupported keyword', event('ReferralRequested', { ...referral, '@context': {} }), '/data/@context', /unsupported keyword @context/],
    ['wrong datatype (string)', event('ReferralRequested', { ...referral, reason: 42 }), '/data/reason', /expected a string, got 42/],
    ['wrong datatype (integer)', event('PractitionerRegistered', { '@type': 'Specialist', id: 'sp-1', capacity: 2.5 }), '/data/capacity', /expected an integer, got 2.5/],
    ['wrong datatype (float)', event('ReferralRequested', { ...referral, score: '0.5' }), '/data/score', /expected a number, got "0.5"/],
    ['wrong date', event('PatientUpdated', { '@type': 'Patient', id: 'p-1', birthDate: '2026-02-30' }), '/data/birthDate', /expected a date as YYYY-MM-DD, got "2026-02-30"/],
    ['wrong dateTime', event('ReferralRequested', { ...referral, requestedAt: '21/11/2026' }), '/data/requestedAt', /expected an RFC 3339 date-time/],
    ['sh:in', event('ReferralRequested', { ...referral, priority: 'high' }), '/data/priority', /expected one of routine, urgent, emergency, got "high"/],
    ['sh:pattern', event('PractitionerRegistered', { '@type': 'Specialty', id: 's-1', name: 'Cardio', code: 'card' }), '/data/code', /expected a value matching \/\^\[A-Z\]\{3\}\$\/, got "card"/],
    ['sh:maxLength', event('PatientRegistered', { '@type': 'Patient', id: 'p-1', name: 'x'.repeat(201) }), '/data/name', /expected at most 200 characters, got 201/],
    ['sh:minCount on create', event('ReferralRequested', { '@type': 'Referral', id: 'r-1', reason: 'x', forPatient: 'p-1' }), '/data/priority', /missing required property priority: ReferralRequested creates Referral/],
    ['sh:minCount counts null as missing', event('PatientRegistered', { '@type': 'Patient', id: 'p-1', name: null }), '/data/name', /null retracts name, but event type PatientRegistered may not retract it/],
    ['functional given an array', event('ReferralRequested', { ...referral, priority: ['urgent', 'routine'] }), '/data/priority', /expected a single value \(priority is functional\), got an array of 2/],
    ['list item of the wrong type', event('PatientUpdated', { '@type': 'Patient', id: 'p-1', allergy: ['latex', 7] }), '/data/allergy/1', /expected a string, got 7/],
    ['null on a non-retractable property', event('PatientUpdated', { '@type': 'Patient', id: 'p-1', name: null }), '/data/name', /null retracts name, but event type PatientUpdated may not retract it \(tg:retracts: allergy, birthDate\)/],
    ['property not in assertsProperty', event('ReferralAccepted', { '@type': 'Referral', id: 'r-1', priority: 'routine' }), '/data/priority', /event type ReferralAccepted may not set priority: expected only status, referredTo/],
    ['@delete not allowed', event('ReferralAccepted', { '@type': 'Referral', id: 'r-1', '@delete': true }), '/data/@delete', /event type ReferralAccepted may not delete Referral/],
    ['@delete with properties', event('ReferralCancelled', { '@type': 'Referral', id: 'r-1', '@delete': true, status: 'cancelled' }), '/data/status', /a deleted resource carries only/],
    ['nested wrong class', event('ReferralRequested', { ...referral, referredBy: { '@type': 'Patient', id: 'p-2', name: 'X' } }), '/data/referredBy/@type', /expected Practitioner or a subclass of it \(.*GeneralPractitioner.*\), got "Patient"/],
    ['nested wrong value', event('ReferralRequested', { ...referral, referredBy: { name: 7, id: 'gp-1' } }), '/data/referredBy/name', /expected a string, got 7/],
    ['reference not an id', event('ReferralRequested', { ...referral, forPatient: 12 }), '/data/forPatient', /expected a Patient id \(string\) or a nested Patient object, got 12/],
    ['@graph item invalid', event('ReferralRequested', { '@graph': [referral, { '@type': 'Patient', id: 'p-1', name: 5 }] }), '/data/@graph/1/name', /expected a string, got 5/],
    ['empty @graph', event('ReferralRequested', { '@graph': [] }), '/data/@graph', /non-empty array/],
    ['subject of another aggregate', event('ReferralRequested', referral, { subject: 'Patient/p-1' }), '/subject', /expected "Referral\/r-1"/],
    ['subject not in data', event('ReferralRequested', referral, { subject: 'Referral/r-2' }), '/subject', /expected "Referral\/r-1"/],
    ['no aggregate resource', event('ReferralRequested', { '@type': 'Patient', id: 'p-1', name: 'Lou' }), '/subject', /missing subject: event type ReferralRequested is about a Referral, but data names no Referral/],
  ];
  for (const [name, e, pointer, message] of cases) {
    void it(`${name} → ${pointer}`, () => {
      const issues = issuesOf(e);
      const issue = issues.find((i) => i.pointer === pointer);
      assert.ok(issue, `no issue at ${pointer}; got ${JSON.stringify(issues)}`);
      assert.match(issue.message, message);
    });
  }

  void it('lists at most 10 known types, closest first', () => {
    const [issue] = issuesOf(event('Nope', {}));
    assert.match(issue?.message ?? '', /expected one of/);
    assert.ok((issue?.message.split(',').length ?? 0) <= 10);
  });

  void it('does not enforce minCount for a class that is only asserted', () => {
    // Patient has name minCount 1, but ReferralRequested only asserts Patient: a partial Patient is fine.
    const e = event('ReferralRequested', { ...referral, forPatient: { id: 'p-1', allergy: 'latex' } });
    assert.doesNotThrow(() => validatePayload(e, ontology));
  });

  void it('enforces minCount on every created resource of a @graph', () => {
    const issues = issuesOf(event('PatientRegistered', { '@graph': [{ '@type': 'Patient', id: 'p-1', name: 'Lou' }, { '@type': 'Patient', id: 'p-2' }] }));
    assert.deepEqual(issues.map((i) => i.pointer), ['/data/@graph/1/name']);
  });

  void it('reports every issue, each with its own pointer', () => {
    const issues = issuesOf(event('ReferralRequested', { ...referral, priority: 'high', reason: 1, colour: 'x' }));
    assert.deepEqual(issues.map((i) => i.pointer).sort(), ['/data/colour', '/data/priority', '/data/reason']);
  });
});
