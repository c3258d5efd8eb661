import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CloudEvent, HTTP, Mode, emitterFor, httpTransport } from 'cloudevents';
import { listen, type RunningServer } from '../../src/api/http/node-server.ts';
import { clinicOntology } from '../fixtures/clinic-ontology.ts';
import { type Harness, createHarness, event } from './harness.ts';

const STRUCTURED = 'application/cloudevents+json';

void describe('POST /events: the CloudEvents HTTP binding', () => {
  let h: Harness;
  const post = (body: string, headers: Record<string, string>, query = '') =>
    h.api.fetch(`http://yoga/events${query}`, { method: 'POST', headers, body });
  before(async () => {
    h = await createHarness(clinicOntology(), { limits: { maxBodyBytes: 4096 } });
  });
  after(() => h.close());

  void test('structured mode: 201 with the seq; the same event again: 200 duplicate with the original seq', async () => {
    const e = event('PatientRegistered', { '@type': 'Patient', id: 'p-1', name: 'Ann Lee' }, { subject: 'Patient/p-1' });
    const res = await post(JSON.stringify(e), { 'content-type': `${STRUCTURED}; charset=utf-8` });
    assert.equal(res.status, 201);
    const body = (await res.json()) as { eventId: string; status: string; seq: number };
    assert.equal(body.status, 'applied');
    assert.equal(body.eventId, e.id);
    const again = await post(JSON.stringify(e), { 'content-type': STRUCTURED });
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json(), { eventId: e.id, status: 'duplicate', seq: body.seq });
  });

  void test('binary and structured messages made by the official cloudevents SDK', async () => {
    const ce = new CloudEvent({
      id: 'sdk-1', source: 'agent://sdk', type: 'PatientRegistered', subject: 'Patient/p-sdk',
      datacontenttype: 'application/json', data: { '@type': 'Patient', id: 'p-sdk', name: 'Sid Kay' },
    });
    const bin = HTTP.binary(ce);
    const r1 = await post(String(bin.body), bin.headers as Record<string, string>);
    assert.equal(r1.status, 201, await r1.clone().text());
    const st = HTTP.structured(new CloudEvent({ ...ce, id: 'sdk-2', subject: 'Patient/p-sdk2', data: { '@type': 'Patient', id: 'p-sdk2', name: 'Sue Kay' } }));
    const r2 = await post(String(st.body), st.headers as Record<string, string>);
    assert.equal(r2.status, 201, await r2.clone().text());
    const q = await h.gql<{ a: { name: string }; b: { name: string } }>(`{ a: patient(id: "p-sdk") { name } b: patient(id: "p-sdk2") { name } }`);
    assert.deepEqual(q.data, { a: { name: 'Sid Kay' }, b: { name: 'Sue Kay' } });
  });

  void test('batch mode: one result per event, in order, rejected ones with their pointer', async () => {
    const good = event('PatientRegistered', { '@type': 'Patient', id: 'p-b1', name: 'Bea' }, { subject: 'Patient/p-b1' });
    const bad = event('PatientRegistered', { '@type': 'Patient', id: 'p-b2' }, { subject: 'Patient/p-b2' });
    const res = await post(JSON.stringify([good, bad]), { 'content-type': 'application/cloudevents-batch+json' });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { eventId: string; status: string; error?: { code: string; pointer: string } }[];
    assert.deepEqual(body.map((b) => [b.eventId, b.status]), [[good.id, 'applied'], [bad.id, 'rejected']]);
    assert.equal(body[1]!.error!.code, 'INVALID_EVENT');
    assert.equal(body[1]!.error!.pointer, '/data/name');
  });

  void test('an invalid event: 422 with code, event id, pointer and issues', async () => {
    const bad = event('ReferralRequested', { '@type': 'Referral', id: 'r-x', reason: 'x', priority: 'someday', forPatient: 'p-1' });
    const res = await post(JSON.stringify(bad), { 'content-type': STRUCTURED });
    assert.equal(res.status, 422);
    const body = (await res.json()) as { error: { code: string; eventId: string; pointer: string; issues: unknown[] } };
    assert.equal(body.error.code, 'INVALID_EVENT');
    assert.equal(body.error.eventId, bad.id);
    assert.equal(body.error.pointer, '/data/priority');
    assert.ok(body.error.issues.length >= 1);
  });

  void test('malformed HTTP: bad JSON is a 422 at pointer "" and dead-lettered as sent; 400 for missing ce-* headers, 413 above the body limit, 405 for GET', async () => {
    const badJson = await post('{"specversion":', { 'content-type': STRUCTURED });
    assert.equal(badJson.status, 422);
    const rejected = (await badJson.json()) as { deadLetterId?: string; error: { message: string; issues: { pointer: string }[] } };
    assert.match(rejected.error.message, /not valid JSON/);
    assert.equal(rejected.error.issues[0]?.pointer, '');
    assert.ok(rejected.deadLetterId, 'kept as a dead letter');
    const array = await post('[]', { 'content-type': STRUCTURED });
    assert.equal(array.status, 422);
    assert.match(((await array.json()) as { error: { message: string } }).error.message, /cloudevents-batch\+json/, 'says how to send a batch');
    const noHeaders = await post('{"name":"x"}', { 'content-type': 'application/json' });
    assert.equal(noHeaders.status, 400);
    assert.match(((await noHeaders.json()) as { error: { message: string } }).error.message, /ce-specversion/);
    const missingId = await post('{}', { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-source': 'agent://x', 'ce-type': 'PatientRegistered' });
    assert.equal(missingId.status, 400);
    const big = await post(JSON.stringify({ pad: 'x'.repeat(5000) }), { 'content-type': STRUCTURED });
    assert.equal(big.status, 413);
    const get = await h.api.fetch('http://yoga/events');
    assert.equal(get.status, 405);
  });

  void describe('over a real socket', () => {
    let server: RunningServer;
    before(async () => {
      server = await listen(h.api, { host: '127.0.0.1', port: 0 });
    });
    after(() => server.stop(1000));

    void test('the SDK emitter publishes in binary mode; /healthz and /readyz answer', async () => {
      const emit = emitterFor(httpTransport(`${server.url}/events`), { mode: Mode.BINARY });
      await emit(new CloudEvent({ id: 'emit-1', source: 'agent://emitter', type: 'PatientRegistered', subject: 'Patient/p-em', data: { '@type': 'Patient', id: 'p-em', name: 'Em Itter' } }));
      const q = await h.gql<{ patient: { name: string; _provenance: { source: string } } }>(`{ patient(id: "p-em") { name _provenance { source } } }`);
      assert.deepEqual(q.data!.patient, { name: 'Em Itter', _provenance: { source: 'agent://emitter' } });
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
      const ready = await fetch(`${server.url}/readyz`);
      assert.equal(ready.status, 200);
    });
  });
});
