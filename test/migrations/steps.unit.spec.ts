/**
 * Each step kind, both ways: how it rewrites a stored node (idempotently: a second run changes nothing) and how
 * it upcasts an old event (including nested resources whose @type came from the property's range).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildOntology } from '../../src/core/ontology/build.ts';
import { labelsOf } from '../../src/core/ontology/model.ts';
import { rewriteNode } from '../../src/core/migrations/node-rewrite.ts';
import type { MigrationStep, NodeImage } from '../../src/core/migrations/steps.ts';
import { upcastThrough } from '../../src/core/migrations/upcast.ts';
import { createUpcaster, UPCAST_FROM } from '../../src/core/migrations/upcaster.ts';
import type { CloudEvent } from '../../src/core/events/cloud-event.ts';
import { clinicOntology } from '../fixtures/clinic-ontology.ts';

const v1 = clinicOntology();
// Labels of classes the steps introduce; a superset of v1 is enough for node rewrites.
const v2 = buildOntology({
  iri: v1.iri, version: '2.0.0', versionIri: `${v1.iri}/2.0.0`,
  classes: { Patient: {}, Practitioner: {}, Consultant: { superClasses: ['Practitioner'] }, GeneralPractitioner: { superClasses: ['Practitioner'] }, Referral: {}, Specialty: {}, Insurance: {} },
});
const ctx = { labelsOf: (c: string) => labelsOf(v2, c), time: '2026-01-01T00:00:00Z' };

const node = (cls: string, properties: Record<string, unknown>, id = 'n-1'): NodeImage => ({ id, class: cls, labels: labelsOf(v1, cls), properties: properties as never });

interface Case {
  readonly step: MigrationStep;
  readonly node: NodeImage;
  readonly expect: Partial<NodeImage> | null;
  readonly created?: number;
  readonly event: Record<string, unknown>;
  readonly upcast: Record<string, unknown>;
  readonly type?: string;
}

const CASES: Record<string, Case> = {
  renameClass: {
    step: { kind: 'renameClass', from: 'Specialist', to: 'Consultant' },
    node: node('Specialist', { name: 'Dr X' }), expect: { class: 'Consultant', labels: ['Consultant', 'Practitioner'] },
    type: 'PractitionerRegistered',
    event: { '@type': 'Specialist', id: 's-1', name: 'Dr X' }, upcast: { '@type': 'Consultant', id: 's-1', name: 'Dr X' },
  },
  renameProperty: {
    step: { kind: 'renameProperty', class: 'Referral', from: 'priority', to: 'triageLevel' },
    node: node('Referral', { priority: 'urgent', reason: 'r' }), expect: { properties: { reason: 'r', triageLevel: 'urgent' } },
    event: { '@type': 'Referral', id: 'r-1', priority: 'urgent' }, upcast: { '@type': 'Referral', id: 'r-1', triageLevel: 'urgent' },
  },
  splitProperty: {
    step: { kind: 'splitProperty', class: 'Patient', from: 'name', into: ['givenName', 'familyName'] },
    node: node('Patient', { name: 'Ann van Lee' }), expect: { properties: { givenName: 'Ann', familyName: 'van Lee' } },
    type: 'PatientRegistered',
    event: { '@type': 'Patient', id: 'p-1', name: 'Ann van Lee' }, upcast: { '@type': 'Patient', id: 'p-1', givenName: 'Ann', familyName: 'van Lee' },
  },
  mergeProperties: {
    step: { kind: 'mergeProperties', class: 'Referral', from: ['reason', 'status'], into: 'summary', separator: ' / ' },
    node: node('Referral', { reason: 'pain', status: 'requested' }), expect: { properties: { summary: 'pain / requested' } },
    event: { '@type': 'Referral', id: 'r-1', reason: 'pain', status: 'requested' }, upcast: { '@type': 'Referral', id: 'r-1', summary: 'pain / requested' },
  },
  addPropertyDefault: {
    step: { kind: 'addProperty', class: 'Referral', property: 'channel', default: 'fax' },
    node: node('Referral', { reason: 'pain' }), expect: { properties: { reason: 'pain', channel: 'fax' } },
    event: { '@type': 'Referral', id: 'r-1', reason: 'pain' }, upcast: { '@type': 'Referral', id: 'r-1', reason: 'pain', channel: 'fax' },
  },
  addPropertyDerived: {
    step: { kind: 'addProperty', class: 'Referral', property: 'urgent', derive: (p) => p.priority === 'urgent' },
    node: node('Referral', { priority: 'urgent' }), expect: { properties: { priority: 'urgent', urgent: true } },
    event: { '@type': 'Referral', id: 'r-1', priority: 'urgent' }, upcast: { '@type': 'Referral', id: 'r-1', priority: 'urgent', urgent: true },
  },
  mapValues: {
    step: { kind: 'mapValues', class: 'Referral', property: 'priority', map: { emergency: 'urgent' } },
    node: node('Referral', { priority: 'emergency' }), expect: { properties: { priority: 'urgent' } },
    event: { '@type': 'Referral', id: 'r-1', priority: 'emergency' }, upcast: { '@type': 'Referral', id: 'r-1', priority: 'urgent' },
  },
  moveProperty: {
    step: { kind: 'moveProperty', class: 'Referral', properties: { status: 'state' }, toClass: 'Insurance', via: 'insurance' },
    node: node('Referral', { status: 'requested', reason: 'x' }, 'r-1'), expect: { properties: { reason: 'x' } }, created: 1,
    event: { '@type': 'Referral', id: 'r-1', status: 'requested' },
    upcast: { '@type': 'Referral', id: 'r-1', insurance: { '@type': 'Insurance', id: 'r-1-Insurance', state: 'requested' } },
  },
  dropProperty: {
    step: { kind: 'dropProperty', class: 'Referral', property: 'score' },
    node: node('Referral', { score: 3, reason: 'x' }), expect: { properties: { reason: 'x' } },
    event: { '@type': 'Referral', id: 'r-1', score: 3, reason: 'x' }, upcast: { '@type': 'Referral', id: 'r-1', reason: 'x' },
  },
  dropClassNested: {
    step: { kind: 'dropClass', class: 'Specialty' },
    node: node('Specialty', { code: 'CAR' }), expect: null,
    // The nested resource has no @type: it is a Specialty by the range of requestedSpecialty.
    event: { '@type': 'Referral', id: 'r-1', requestedSpecialty: { id: 'spec-1', code: 'CAR' } }, upcast: { '@type': 'Referral', id: 'r-1' },
  },
  reverseRelationship: {
    step: { kind: 'reverseRelationship', from: 'forPatient', to: 'hasReferral', targetClass: 'Patient' },
    node: node('Referral', { reason: 'x' }), expect: undefined as never,
    event: { '@type': 'Referral', id: 'r-1', forPatient: 'p-1' },
    upcast: { '@graph': [{ '@type': 'Referral', id: 'r-1' }, { '@type': 'Patient', id: 'p-1', hasReferral: 'r-1' }] },
  },
};

for (const [name, c] of Object.entries(CASES)) {
  void test(`${name}: node rewrite (idempotent) and event upcast`, () => {
    const r = rewriteNode(c.step, c.node, ctx);
    if (c.expect === undefined) assert.deepEqual(r, {}, 'relationship steps leave nodes alone');
    else if (c.expect === null) assert.equal(r.node, null);
    else {
      assert.ok(r.node);
      for (const [k, v] of Object.entries(c.expect)) assert.deepEqual((r.node as unknown as Record<string, unknown>)[k], v, k);
      assert.equal(r.create?.length ?? 0, c.created ?? 0);
      assert.deepEqual(rewriteNode(c.step, r.node, ctx), {}, 'a second run changes nothing');
    }
    const event: CloudEvent = { specversion: '1.0', id: 'e-1', source: 'agent://t', type: c.type ?? 'ReferralRequested', data: c.event };
    const out = upcastThrough(event, { from: '1.0.0', to: '2.0.0', steps: [c.step] }, v1, v2);
    assert.deepEqual(out.data, c.upcast);
    assert.equal(out.dataschema, v2.versionIri);
    assert.deepEqual(event.data, c.event, 'the original event is not modified');
  });
}

void test('addProperty only fills creations, not partial updates that did not mention the property', () => {
  const step: MigrationStep = { kind: 'addProperty', class: 'Referral', property: 'channel', default: 'fax' };
  const update: CloudEvent = { specversion: '1.0', id: 'e', source: 's', type: 'ReferralAccepted', data: { '@type': 'Referral', id: 'r-1', status: 'accepted' } };
  assert.deepEqual(upcastThrough(update, { from: '1.0.0', to: '2.0.0', steps: [step] }, v1, v2).data, update.data);
});

void test('the upcaster: dataschema picks the version; without it, an event failing the current version but passing an older one is upcast', () => {
  const rename: MigrationStep = { kind: 'renameProperty', class: 'Referral', from: 'priority', to: 'triageLevel' };
  const spec2 = buildOntology({
    iri: v1.iri, version: '2.0.0', versionIri: `${v1.iri}/2.0.0`,
    classes: { Referral: {}, Patient: {} },
    datatypeProperties: { triageLevel: { domain: ['Referral'], range: 'string', functional: true }, reason: { domain: ['Referral'], range: 'string', functional: true } },
    objectProperties: { forPatient: { domain: ['Referral'], range: 'Patient', functional: true } },
    eventTypes: { ReferralAccepted: { asserts: ['Referral'], aggregate: 'Referral' }, ReferralRequested: { creates: ['Referral'], asserts: ['Patient'], aggregate: 'Referral' } },
  });
  const upcast = createUpcaster({ ontologies: [v1, spec2], migrations: [{ from: '1.0.0', to: '2.0.0', steps: [rename] }] });
  const old: CloudEvent = { specversion: '1.0', id: 'e', source: 's', type: 'ReferralAccepted', subject: 'Referral/r-1', data: { '@type': 'Referral', id: 'r-1', status: 'accepted' } };
  const withSchema = upcast({ ...old, dataschema: v1.versionIri, data: { '@type': 'Referral', id: 'r-1', priority: 'urgent' } });
  assert.deepEqual(withSchema.data, { '@type': 'Referral', id: 'r-1', triageLevel: 'urgent' });
  assert.equal(withSchema[UPCAST_FROM], v1.versionIri);
  const requested = { '@type': 'Referral', id: 'r-1', reason: 'pain', forPatient: 'p-1' };
  const sniffed = upcast({ ...old, type: 'ReferralRequested', data: { ...requested, priority: 'urgent' } });
  assert.deepEqual(sniffed.data, { ...requested, triageLevel: 'urgent' });
  assert.equal(sniffed[UPCAST_FROM], v1.versionIri);
  const current = { ...old, data: { '@type': 'Referral', id: 'r-1', triageLevel: 'soon' } };
  assert.equal(upcast(current), current, 'a current event passes through untouched');
  assert.throws(() => createUpcaster({ ontologies: [v1, spec2], migrations: [] }), /expected 1 migration/);
});
