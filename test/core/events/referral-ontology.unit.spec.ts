/**
 * Payload validation and planning against the REAL referral ontology (ontology/referral/v1, compiled from Turtle; released versions are immutable),
 * so the Turtle the domain team edits and the validators agents meet cannot drift apart unnoticed.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadOntology } from '../../../src/app/ontology/ontology-loader.ts';
import { InvalidEventError } from '../../../src/core/errors.ts';
import type { CloudEvent } from '../../../src/core/events/cloud-event.ts';
import { parseEnvelope } from '../../../src/core/events/envelope.ts';
import { validatePayload } from '../../../src/core/events/payload.ts';
import type { CompiledOntology } from '../../../src/core/ontology/model.ts';
import { planChangeSet } from '../../../src/core/projection/planner.ts';

let ontology: CompiledOntology;
before(async () => {
  ontology = await loadOntology('ontology/referral/v1');
});

function event(type: string, data: unknown, extra: Record<string, unknown> = {}): CloudEvent {
  return parseEnvelope({ specversion: '1.0', id: 'evt-1', source: 'agent://intake', type, time: '2026-11-21T09:00:00Z', data, ...extra });
}

const referral = {
  '@type': 'Referral',
  id: 'r-1001',
  reason: 'Chest pain on exertion',
  priority: 'urgent',
  status: 'requested',
  requestedAt: '2026-11-21T09:00:00Z',
  forPatient: { id: 'p-1', name: 'Lou Reed', allergy: ['penicillin', 'latex'] },
  referredBy: { '@type': 'GeneralPractitioner', id: 'gp-7', name: 'Dr Ada Moss' },
  requestedSpecialty: { id: 'CARD', code: 'CARD', name: 'Cardiology' },
  hasCondition: [{ id: 'I20.9', code: 'I20.9' }],
};

function rejected(e: CloudEvent): { pointer: string; message: string }[] {
  try {
    validatePayload(e, ontology);
  } catch (err) {
    assert.ok(err instanceof InvalidEventError);
    return [...err.issues];
  }
  assert.fail('expected a rejection');
}

void describe('payload validation against ontology/referral', () => {
  void it('accepts a full ReferralRequested with nested patient, practitioner, specialty and condition', () => {
    const e = validatePayload(event('ReferralRequested', referral), ontology);
    assert.equal(e.subject, 'Referral/r-1001');
    const cs = planChangeSet(e, ontology);
    assert.equal(cs.ontologyVersion, 'https://trailgraph.dev/ontology/referral/1.0.0');
    assert.deepEqual(cs.ops.filter((o) => o.op === 'upsertNode').map((o) => o.node.id), ['r-1001', 'p-1', 'I20.9', 'gp-7', 'CARD']);
    assert.deepEqual(cs.ops.filter((o) => o.op === 'addRelationship').map((o) => o.type), ['forPatient', 'hasCondition', 'referredBy', 'requestedSpecialty']);
  });

  void it('derives the subject from a referenced aggregate (a LabOrder names its referral by id)', () => {
    const e = event('LabOrdered', { '@type': 'LabOrder', id: 'lo-1', testCode: '2345-7', status: 'ordered', orderedAt: '2026-11-21T10:00:00Z', forReferral: 'r-1001' });
    const validated = validatePayload(e, ontology);
    assert.equal(validated.subject, 'Referral/r-1001');
    assert.equal(planChangeSet(e, ontology).aggregate, 'r-1001');
  });

  void it('checks an explicit subject against the aggregate named in data', () => {
    const data = { '@type': 'Appointment', id: 'a-1', startsAt: '2026-12-01T09:30:00+01:00', withSpecialist: 'sp-1', forReferral: 'r-1001' };
    assert.doesNotThrow(() => validatePayload(event('AppointmentScheduled', data, { subject: 'Referral/r-1001' }), ontology));
    assert.deepEqual(rejected(event('AppointmentScheduled', data, { subject: 'Referral/r-9' })).map((i) => i.pointer), ['/subject']);
  });

  void it('lets ReferralCancelled delete the appointment but not the referral', () => {
    const ok = { '@graph': [{ '@type': 'Referral', id: 'r-1001', status: 'cancelled', cancellationReason: 'Patient moved' }, { '@type': 'Appointment', id: 'a-1', '@delete': true }] };
    assert.doesNotThrow(() => validatePayload(event('ReferralCancelled', ok), ontology));
    const [issue] = rejected(event('ReferralCancelled', { '@type': 'Referral', id: 'r-1001', '@delete': true }));
    assert.equal(issue?.pointer, '/data/@delete');
  });

  void it('applies the constraints of the right class to a shared property (status)', () => {
    const order = { '@type': 'LabOrder', id: 'lo-1', testCode: '2345-7', status: 'ready', orderedAt: '2026-11-21T10:00:00Z', forReferral: 'r-1001' };
    const [issue] = rejected(event('LabOrdered', order));
    assert.equal(issue?.pointer, '/data/status');
    assert.match(issue?.message ?? '', /expected one of ordered, collected, resulted, cancelled, got "ready"/);
  });

  const cases: [string, CloudEvent, string, RegExp][] = [
    ['priority outside sh:in', event('ReferralRequested', { ...referral, priority: 'high' }), '/data/priority', /expected one of routine, urgent, emergency, got "high"/],
    ['ICD-10 pattern on a nested condition', event('ReferralRequested', { ...referral, hasCondition: [{ id: 'c', code: 'chest pain' }] }), '/data/hasCondition/0/code', /expected a value matching/],
    ['minCount on create', event('PatientRegistered', { '@type': 'Patient', id: 'p-2', name: 'Ann' }), '/data/birthDate', /missing required property birthDate/],
    ['MRN pattern', event('PatientRegistered', { '@type': 'Patient', id: 'p-2', name: 'Ann', birthDate: '1990-01-01', mrn: '12' }), '/data/mrn', /\^MRN-\[0-9\]\{6\}\$/],
    ['tg:assertsProperty whitelist', event('InsuranceDenied', { '@type': 'Referral', id: 'r-1001', priority: 'routine' }), '/data/priority', /may not set priority: expected only insuranceStatus, insuranceNote, status/],
    ['nested practitioner of the wrong class', event('ReferralRequested', { ...referral, referredBy: { '@type': 'Patient', id: 'p-9' } }), '/data/referredBy/@type', /expected Practitioner or a subclass/],
    ['unknown type lists the closest first', event('ReferralAccept', referral), '/type', /expected one of ReferralAccepted,/],
  ];
  for (const [name, e, pointer, message] of cases) {
    void it(`rejects: ${name}`, () => {
      const issue = rejected(e).find((i) => i.pointer === pointer);
      assert.ok(issue, `no issue at ${pointer}`);
      assert.match(issue.message, message);
    });
  }
});
