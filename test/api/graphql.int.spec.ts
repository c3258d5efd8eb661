/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on untyped JSON responses */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { GraphStore } from '../../src/ports/graph-store.ts';
import { clinicOntology } from '../fixtures/clinic-ontology.ts';
import { type Harness, createHarness, event } from './harness.ts';
import { storesUnderTest, type FreshStore } from '../support/stores.ts';

const patient = (id: string, name: string, extra: Record<string, unknown> = {}) =>
  event('PatientRegistered', { '@type': 'Patient', id, name, ...extra }, { subject: `Patient/${id}` });
const referral = (id: string, patientId: string, priority: string, extra: Record<string, unknown> = {}) =>
  event('ReferralRequested', { '@type': 'Referral', id, reason: `reason ${id}`, priority, forPatient: patientId, ...extra }, { subject: `Referral/${id}` });

/** The generated API over each real store: a SQLite file and the run's Neo4j (read-your-writes included). */
for (const s of await storesUnderTest()) void describe(`GraphQL API generated from the clinic ontology (${s.kind})`, { ...(s.skip && { skip: s.skip }) }, () => {
  let h: Harness;
  let fresh: FreshStore | undefined;
  const calls = { related: 0, getNodes: 0 };
  before(async () => {
    // A counting wrapper (not a mock: every call goes to the real store) to prove reads are batched.
    const wrap = (s: GraphStore): GraphStore =>
      new Proxy(s, {
        get(target, prop, receiver) {
          const v = Reflect.get(target, prop, receiver) as unknown;
          if (typeof v !== 'function') return v;
          return (...args: unknown[]) => {
            if (prop === 'related' || prop === 'getNodes') calls[prop]++;
            return (v as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    fresh = await s.fresh();
    h = await createHarness(clinicOntology(), { wrapStore: wrap, limits: { maxDepth: 8 }, openStore: (o) => fresh!.open(o) });
    await h.publish(
      patient('p-1', 'Ann Lee', { allergy: ['penicillin', 'latex'], birthDate: '1970-02-03' }),
      patient('p-2', 'Bo Chen'),
      referral('r-1', 'p-1', 'urgent', {
        requestedAt: '2026-11-21T09:00:00Z',
        referredBy: { '@type': 'GeneralPractitioner', id: 'gp-7', name: 'Dr Ada Moss' },
      }),
      referral('r-2', 'p-1', 'routine', { requestedAt: '2026-11-20T09:00:00Z' }),
      referral('r-3', 'p-2', 'emergency', { requestedAt: '2026-11-22T09:00:00Z' }),
      event('PractitionerRegistered', { '@type': 'Specialist', id: 'sp-1', name: 'Dr Cardio', capacity: 5 }, { subject: 'Practitioner/sp-1' }),
      event('ReferralAccepted', { '@type': 'Referral', id: 'r-1', status: 'accepted', referredTo: 'sp-1' }, { subject: 'Referral/r-1' }),
    );
  });
  after(async () => {
    await h?.close();
    fresh?.cleanup();
  });

  void test('a referral with its patient, referrer (through the superclass interface), provenance and history', async () => {
    const res = await h.gql(`{
      referral(id: "r-1") {
        id reason priority status requestedAt
        forPatient { id name allergy birthDate referralsCount }
        referredBy { __typename id name }
        referredTo { name capacity }
        _provenance { source seq }
        history { seq type source changes }
      }
    }`);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const r = (res.data as { referral: Record<string, any> }).referral;
    assert.equal(r.priority, 'urgent');
    assert.equal(r.status, 'accepted');
    assert.deepEqual(r.forPatient, { id: 'p-1', name: 'Ann Lee', allergy: ['penicillin', 'latex'], birthDate: '1970-02-03', referralsCount: 2 });
    assert.deepEqual(r.referredBy, { __typename: 'GeneralPractitioner', id: 'gp-7', name: 'Dr Ada Moss' });
    assert.deepEqual(r.referredTo, { name: 'Dr Cardio', capacity: 5 });
    assert.equal(r._provenance.source, 'agent://test');
    assert.deepEqual(r.history.map((e: { type: string }) => e.type), ['ReferralRequested', 'ReferralAccepted']);
    assert.ok(Array.isArray(r.history[0].changes) && r.history[0].changes.length > 0);
  });

  void test('incoming relationships as a connection with filters, order, pages and totalCount', async () => {
    const q = `query($after: String) { patient(id: "p-1") {
      referrals(first: 1, after: $after, orderBy: { field: requestedAt, direction: DESC }) {
        totalCount pageInfo { hasNextPage endCursor } nodes { id }
      } } }`;
    const p1 = await h.gql<{ patient: { referrals: any } }>(q);
    assert.equal(p1.errors, undefined, JSON.stringify(p1.errors));
    assert.equal(p1.data!.patient.referrals.totalCount, 2);
    assert.deepEqual(p1.data!.patient.referrals.nodes, [{ id: 'r-1' }]);
    assert.equal(p1.data!.patient.referrals.pageInfo.hasNextPage, true);
    const p2 = await h.gql<{ patient: { referrals: any } }>(q, { after: p1.data!.patient.referrals.pageInfo.endCursor });
    assert.deepEqual(p2.data!.patient.referrals.nodes, [{ id: 'r-2' }]);
    assert.equal(p2.data!.patient.referrals.pageInfo.hasNextPage, false);
    const filtered = await h.gql<{ patient: { referrals: any } }>(`{ patient(id: "p-1") { referrals(where: { priority: { eq: "routine" } }) { nodes { id } } } }`);
    assert.deepEqual(filtered.data!.patient.referrals.nodes, [{ id: 'r-2' }]);
  });

  void test('root lists filter by property and by relationship existence, and sort', async () => {
    const res = await h.gql<{ referrals: any; open: any; urgentish: any }>(`{
      referrals(orderBy: { field: requestedAt, direction: ASC }) { totalCount nodes { id } }
      open: referrals(where: { referredTo: { exists: false } }) { nodes { id } }
      urgentish: referrals(where: { priority: { in: ["urgent", "emergency"] }, requestedAt: { gte: "2026-11-21T00:00:00Z" } }, orderBy: { field: id }) { nodes { id } }
    }`);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.deepEqual(res.data!.referrals.nodes.map((n: { id: string }) => n.id), ['r-2', 'r-1', 'r-3']);
    assert.equal(res.data!.referrals.totalCount, 3);
    assert.deepEqual(res.data!.open.nodes.map((n: { id: string }) => n.id).sort(), ['r-2', 'r-3']);
    assert.deepEqual(res.data!.urgentish.nodes, [{ id: 'r-1' }, { id: 'r-3' }]);
  });

  void test('a filter passed as a variable (a self-containing input type: AND) works as the literal does', async () => {
    const where = { AND: [{ priority: { in: ['urgent', 'emergency'] } }, { requestedAt: { gte: '2026-11-21T00:00:00Z' } }] };
    const op = 'query Urgent($where: ReferralWhere, $order: ReferralOrderBy) { referrals(where: $where, orderBy: $order) { nodes { id } } }';
    for (let i = 0; i < 2; i++) { // the second run hits the compiled-document cache
      const res = await h.gql<{ referrals: any }>(op, { where, order: { field: 'id' } });
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      assert.deepEqual(res.data!.referrals.nodes, [{ id: 'r-1' }, { id: 'r-3' }]);
    }
  });

  void test('a superclass list returns subclasses; a class lookup refuses a node of another class', async () => {
    const res = await h.gql<{ practitioners: any; patient: unknown }>(`{
      practitioners(orderBy: { field: id }) { nodes { __typename id ... on Specialist { capacity } } }
      patient(id: "r-1") { id }
    }`);
    assert.deepEqual(res.data!.practitioners.nodes, [{ __typename: 'GeneralPractitioner', id: 'gp-7' }, { __typename: 'Specialist', id: 'sp-1', capacity: 5 }]);
    assert.equal(res.data!.patient, null);
  });

  void test('relationship fields of a list are batched: one store call per field, not one per node (no N+1)', async () => {
    calls.related = 0;
    calls.getNodes = 0;
    const res = await h.gql(`{ referrals(first: 50) { nodes { id forPatient { name referrals { totalCount } } referredBy { name } } } }`);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    // forPatient, referredBy, then the patients' referrals: three batched calls for 3 referrals × 3 fields.
    assert.equal(calls.related, 3);
  });

  void test('neighbourhood and paths', async () => {
    const res = await h.gql<{ neighbourhood: any; paths: any }>(`{
      neighbourhood(id: "p-1", hops: 2, via: [forPatient, referredBy]) { nodes { distance node { id } } relationships { type fromId toId } }
      paths(from: "gp-7", to: "p-1", maxHops: 3) { length nodes { id } relationships { type } }
    }`);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const ids = new Map(res.data!.neighbourhood.nodes.map((n: any) => [n.node.id, n.distance]));
    assert.equal(ids.get('p-1'), 0);
    assert.equal(ids.get('r-1'), 1);
    assert.equal(ids.get('gp-7'), 2);
    assert.equal(ids.has('sp-1'), false, 'referredTo is not in via');
    assert.deepEqual(res.data!.paths[0], { length: 2, nodes: [{ id: 'gp-7' }, { id: 'r-1' }, { id: 'p-1' }], relationships: [{ type: 'referredBy' }, { type: 'forPatient' }] });
  });

  void test('publishEvent returns the seq; a query waits for it with atLeastSeq; a duplicate returns the original seq', async () => {
    const e = patient('p-9', 'Cy Park');
    const first = await h.gql<{ publishEvent: any }>(`mutation($e: JSON!) { publishEvent(event: $e) { eventId status seq } }`, { e });
    assert.equal(first.errors, undefined, JSON.stringify(first.errors));
    assert.equal(first.data!.publishEvent.status, 'applied');
    const seq = first.data!.publishEvent.seq as number;
    const read = await h.gql<{ patient: any; headSeq: number }>(`query($s: Int) { patient(id: "p-9", atLeastSeq: $s) { name } headSeq }`, { s: seq });
    assert.deepEqual(read.data!.patient, { name: 'Cy Park' });
    const again = await h.gql<{ publishEvent: any }>(`mutation($e: JSON!) { publishEvent(event: $e) { eventId status seq } }`, { e });
    assert.deepEqual(again.data!.publishEvent, { eventId: e.id, status: 'duplicate', seq });
  });

  void test('an invalid event fails with INVALID_EVENT, the event id and a JSON pointer', async () => {
    const bad = referral('r-bad', 'p-1', 'whenever');
    const res = await h.gql(`mutation($e: JSON!) { publishEvent(event: $e) { seq } }`, { e: bad });
    const err = res.errors?.[0];
    assert.ok(err, 'expected an error');
    assert.equal(err.extensions?.code, 'INVALID_EVENT');
    assert.equal(err.extensions?.eventId, bad.id);
    assert.equal(err.extensions?.pointer, '/data/priority');
    assert.ok(Array.isArray(err.extensions?.issues));
  });

  void test('a wait for a seq that never comes ends with CONSISTENCY_TIMEOUT; one that comes during the wait succeeds', async () => {
    const head = (await h.store.headSeq()) as number;
    const late = await h.gql(`query($s: Int) { patient(id: "p-1", atLeastSeq: $s, waitMs: 50) { id } }`, { s: head + 100 });
    assert.equal(late.errors?.[0]?.extensions?.code, 'CONSISTENCY_TIMEOUT');
    assert.equal(late.errors?.[0]?.extensions?.wantedSeq, head + 100);
    const pending = h.gql<{ patient: any }>(`query($s: Int) { patient(id: "p-10", atLeastSeq: $s, waitMs: 5000) { name } }`, { s: head + 1 });
    await new Promise((r) => setTimeout(r, 30));
    await h.publish(patient('p-10', 'Di Ray'));
    assert.deepEqual((await pending).data!.patient, { name: 'Di Ray' });
  });

  void test('query depth is limited', async () => {
    const res = await h.gql(`{ patient(id: "p-1") { referrals { nodes { forPatient { referrals { nodes { forPatient { referrals { nodes { id } } } } } } } } } }`);
    assert.ok(res.errors?.[0]?.message.toLowerCase().includes('depth'), JSON.stringify(res.errors));
  });

  void test('event(id) and ledger expose the audit trail', async () => {
    const [seq] = await h.publish(event('PatientUpdated', { '@type': 'Patient', id: 'p-2', allergy: null }, { id: 'evt-audit-1', subject: 'Patient/p-2', source: 'agent://nurse' }));
    const res = await h.gql<{ event: any }>(`{ event(id: "evt-audit-1") { seq type source event } }`);
    assert.equal(res.data!.event.seq, seq);
    assert.equal(res.data!.event.source, 'agent://nurse');
    assert.equal(res.data!.event.event.id, 'evt-audit-1');
  });
});
