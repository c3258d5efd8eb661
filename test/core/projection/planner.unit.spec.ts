import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CloudEvent } from '../../../src/core/events/cloud-event.ts';
import { parseEnvelope } from '../../../src/core/events/envelope.ts';
import { validatePayload } from '../../../src/core/events/payload.ts';
import type { ChangeOp } from '../../../src/core/projection/change-set.ts';
import { planChangeSet } from '../../../src/core/projection/planner.ts';
import { clinicOntology } from '../../fixtures/clinic-ontology.ts';

const ontology = clinicOntology();

/** Builds an event the way ingest does: envelope, then payload validation (the planner assumes both). */
function event(type: string, data: unknown, extra: Record<string, unknown> = {}): CloudEvent {
  const e = parseEnvelope({ specversion: '1.0', id: 'evt-42', source: 'agent://intake', type, time: '2026-11-21T09:00:00Z', data, ...extra });
  validatePayload(e, ontology);
  return e;
}

const referral = {
  '@type': 'Referral',
  id: 'r-1001',
  reason: 'Chest pain on exertion',
  priority: 'urgent',
  forPatient: 'p-1',
  referredBy: { '@type': 'GeneralPractitioner', id: 'gp-7', name: 'Dr Ada Moss' },
};

const opsOf = (e: CloudEvent): readonly ChangeOp[] => planChangeSet(e, ontology).ops;

void describe('planChangeSet', () => {
  void it('carries a fenced write\'s claim (purpose, token, the subject\'s node) to the store, and none otherwise', () => {
    const fenced = event('ReferralRequested', referral, { subject: 'Referral/r-1001', claimpurpose: 'match', claimtoken: 4 });
    assert.deepEqual(planChangeSet(fenced, ontology).fence, { on: 'r-1001', purpose: 'match', token: 4 });
    assert.equal('fence' in planChangeSet(event('ReferralRequested', referral), ontology), false);
  });

  void it('plans the brief example: upserts first (pre-order), then relationships by property name', () => {
    assert.deepEqual(opsOf(event('ReferralRequested', referral)), [
      {
        op: 'upsertNode', node: { id: 'r-1001', class: 'Referral' }, labels: ['Referral'],
        set: { priority: 'urgent', reason: 'Chest pain on exertion' }, add: {}, unset: [], pointer: '/data',
      },
      {
        op: 'upsertNode', node: { id: 'gp-7', class: 'GeneralPractitioner' }, labels: ['GeneralPractitioner', 'Practitioner'],
        set: { name: 'Dr Ada Moss' }, add: {}, unset: [], pointer: '/data/referredBy',
      },
      {
        op: 'addRelationship', type: 'forPatient', from: { id: 'r-1001', class: 'Referral' }, to: { id: 'p-1', class: 'Patient' },
        functional: true, pointer: '/data/forPatient',
      },
      {
        op: 'addRelationship', type: 'referredBy', from: { id: 'r-1001', class: 'Referral' }, to: { id: 'gp-7', class: 'GeneralPractitioner' },
        functional: true, pointer: '/data/referredBy',
      },
    ]);
  });

  void it('functional datatype properties replace (set); non-functional ones add, deduplicated', () => {
    const [op] = opsOf(event('PatientUpdated', { '@type': 'Patient', id: 'p-1', name: 'Lou', allergy: ['latex', 'penicillin', 'latex'] }));
    assert.equal(op?.op, 'upsertNode');
    assert.deepEqual(op.op === 'upsertNode' && [op.set, op.add], [{ name: 'Lou' }, { allergy: ['latex', 'penicillin'] }]);
    const [single] = opsOf(event('PatientUpdated', { '@type': 'Patient', id: 'p-1', allergy: 'latex' }));
    assert.deepEqual(single?.op === 'upsertNode' && single.add, { allergy: ['latex'] });
  });

  void it('null retracts: unset for datatype properties, retractRelationship without a target for object properties', () => {
    const [patient] = opsOf(event('PatientUpdated', { '@type': 'Patient', id: 'p-1', birthDate: null, allergy: null }));
    assert.deepEqual(patient?.op === 'upsertNode' && patient.unset, ['allergy', 'birthDate']);
    const ops = opsOf(event('ReferralReassigned', { '@type': 'Referral', id: 'r-1', referredTo: null }));
    assert.deepEqual(ops[1], { op: 'retractRelationship', type: 'referredTo', from: { id: 'r-1', class: 'Referral' }, pointer: '/data/referredTo' });
    assert.equal(ops.length, 2);
  });

  void it('nested resources without @type take the range class; non-functional object lists add one relationship each', () => {
    const ops = opsOf(event('PractitionerRegistered', {
      '@type': 'Specialist', id: 'sp-1', hasSpecialty: [{ id: 's-1', name: 'Cardiology' }, 's-2'],
    }));
    assert.deepEqual(ops.map((o) => [o.op, o.op === 'upsertNode' ? o.node : o.op === 'addRelationship' ? o.to : undefined, o.pointer]), [
      ['upsertNode', { id: 'sp-1', class: 'Specialist' }, '/data'],
      ['upsertNode', { id: 's-1', class: 'Specialty' }, '/data/hasSpecialty/0'],
      ['addRelationship', { id: 's-1', class: 'Specialty' }, '/data/hasSpecialty/0'],
      ['addRelationship', { id: 's-2', class: 'Specialty' }, '/data/hasSpecialty/1'],
    ]);
    assert.ok(ops.every((o) => o.op !== 'addRelationship' || o.functional === false));
  });

  void it('string references point at the range class', () => {
    const ops = opsOf(event('ReferralAccepted', { '@type': 'Referral', id: 'r-1', referredTo: 'sp-3', status: 'accepted' }));
    assert.deepEqual(ops[1], {
      op: 'addRelationship', type: 'referredTo', from: { id: 'r-1', class: 'Referral' }, to: { id: 'sp-3', class: 'Specialist' },
      functional: true, pointer: '/data/referredTo',
    });
  });

  void it('@delete deletes the node and nothing else', () => {
    assert.deepEqual(opsOf(event('ReferralCancelled', { '@type': 'Referral', id: 'r-1', '@delete': true })), [
      { op: 'deleteNode', node: { id: 'r-1', class: 'Referral' }, pointer: '/data' },
    ]);
  });

  void it('@graph resources are planned in array order, all node ops before relationships', () => {
    const ops = opsOf(event('ReferralRequested', {
      '@graph': [{ '@type': 'Patient', id: 'p-1', name: 'Lou' }, referral, { '@type': 'Specialty', id: 's-1', code: 'CAR' }],
    }, { subject: 'Referral/r-1001' }));
    assert.deepEqual(ops.map((o) => `${o.op}:${o.pointer}`), [
      'upsertNode:/data/@graph/0',
      'upsertNode:/data/@graph/1',
      'upsertNode:/data/@graph/1/referredBy',
      'upsertNode:/data/@graph/2',
      'addRelationship:/data/@graph/1/forPatient',
      'addRelationship:/data/@graph/1/referredBy',
    ]);
  });

  void it('does not depend on the producer key order', () => {
    const reversed = Object.fromEntries(Object.entries(referral).reverse());
    assert.deepEqual(opsOf(event('ReferralRequested', reversed)), opsOf(event('ReferralRequested', referral)));
  });

  void it('carries provenance, subject, aggregate, ontology version, trace context and the event', () => {
    const e = event('ReferralRequested', referral, {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', correlationid: 'c-1', causationid: 'evt-41',
    });
    const { ops: _ops, ...cs } = planChangeSet(e, ontology);
    assert.deepEqual(cs, {
      eventId: 'evt-42', source: 'agent://intake', time: '2026-11-21T09:00:00Z', type: 'ReferralRequested',
      subject: 'Referral/r-1001', aggregate: 'r-1001',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', correlationid: 'c-1', causationid: 'evt-41',
      ontologyVersion: 'https://example.org/clinic/1.0.0', event: e,
    });
  });

  void it('uses receivedAt when the event has no time, and the subject id as aggregate', () => {
    const { time: _t, ...noTime } = event('PatientUpdated', { '@type': 'Patient', id: 'p-1', name: 'Lou' }, { subject: 'Patient/p-1' });
    const cs = planChangeSet(noTime as CloudEvent, ontology, { receivedAt: '2026-11-21T10:00:00.000Z' });
    assert.equal(cs.time, '2026-11-21T10:00:00.000Z');
    assert.equal(cs.aggregate, 'p-1');
    assert.throws(() => planChangeSet(noTime as CloudEvent, ontology), /no time; pass options.receivedAt/);
  });

  void it('is pure: same input gives deep-equal output, and the input is not mutated', () => {
    const data = structuredClone({ '@graph': [referral, { '@type': 'Patient', id: 'p-1', allergy: ['a', 'a'] }] });
    const e: CloudEvent = { specversion: '1.0', id: 'evt-9', source: 'agent://x', type: 'ReferralRequested', time: '2026-01-01T00:00:00Z', data };
    const before = structuredClone(e);
    const first = planChangeSet(e, ontology);
    assert.deepEqual(planChangeSet(e, ontology), first);
    assert.deepEqual(e, before);
  });
});
