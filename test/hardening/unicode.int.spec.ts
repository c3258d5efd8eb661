/**
 * Strings that are not well-formed Unicode (lone UTF-16 surrogates) are refused where they enter — event ids,
 * attributes, payload keys and values, mark kinds and notes, claim purposes — with a pointer or the argument,
 * instead of being stored as U+FFFD (which merged distinct ids and made a repeat of the event an HTTP 500).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMarksExtension } from '../../src/api/marks/index.ts';
import { startMarks, type MarksRuntime } from '../../src/app/marks/marks-runtime.ts';
import { clinicOntology } from '../fixtures/clinic-ontology.ts';
import { type Harness, createHarness } from '../api/harness.ts';

const ontology = clinicOntology();
// JSON text with escapes, as a producer's bytes carry them (JSON.stringify writes lone surrogates as \\udXXX).
const text = (id: string, patientId: string, name: string) =>
  `{"specversion":"1.0","id":"${id}","source":"agent://u","type":"PatientRegistered","data":{"@type":"Patient","id":"${patientId}","name":"${name}"}}`;

void describe('lone surrogates', () => {
  let h: Harness;
  let marks: MarksRuntime;
  before(async () => {
    h = await createHarness(ontology, { extensions: [] });
    marks = await startMarks({ store: h.store, ontology, sweepMs: 60_000 });
  });
  after(async () => {
    await marks.close();
    await h.close();
  });
  const post = async (body: string) => {
    const res = await h.api.fetch('http://yoga/events', { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body });
    return { status: res.status, body: (await res.json()) as { deadLetterId?: string; error?: { code: string; pointer: string; message: string } } };
  };

  for (const [where, body, pointer] of [
    ['the event id', text('sur-\\ud800', 'p-1', 'Ann'), '/id'],
    ['a node id in data', text('u-2', 'n-\\udc00', 'Ann'), '/data/id'],
    ['a property value', text('u-3', 'p-3', 'A\\ud83d'), '/data/name'],
    ['a payload key', '{"specversion":"1.0","id":"u-4","source":"agent://u","type":"PatientRegistered","data":{"@type":"Patient","id":"p-4","name":"A","x\\udfff":1}}', '/data/x\uFFFD'],
    ['the source', '{"specversion":"1.0","id":"u-5","source":"agent://\\ud800","type":"PatientRegistered","data":{}}', '/source'],
  ] as const) {
    void test(`POST /events: a lone surrogate in ${where} is 422 at ${pointer}, dead-lettered; sending it again is 422 again (never 500)`, async () => {
      for (let i = 0; i < 2; i++) {
        const r = await post(body);
        assert.equal(r.status, 422, JSON.stringify(r.body));
        assert.equal(r.body.error?.code, 'INVALID_EVENT');
        const issues = (r.body.error as unknown as { issues: { pointer: string; message: string }[] }).issues;
        assert.ok(issues.some((x) => x.pointer === pointer && /lone UTF-16 surrogate/.test(x.message)), JSON.stringify(issues));
        assert.ok(r.body.deadLetterId, 'dead-lettered');
      }
    });
  }

  void test('a well-formed astral character (a surrogate pair) is fine', async () => {
    const r = await post(text('u-6', 'p-6', 'Ann \\ud83d\\ude00'));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal((await h.store.getNode('p-6'))?.properties.name, 'Ann 😀');
  });

  void test('two ids differing only in their lone surrogate do not collapse into one node', async () => {
    await post(text('u-7', 'q-\\ud800', 'A'));
    await post(text('u-8', 'q-\\ud801', 'B'));
    assert.equal(await h.store.getNode('q-\uFFFD'), undefined);
  });

  void test('GraphQL publishEvent (variables) and marks/claims arguments: refused with the pointer / argument', async () => {
    const marksApi = (await import('../../src/api/server.ts')).createApi({
      services: { store: h.store, ontology, publisher: h.publisher },
      extensions: [createMarksExtension({ feed: marks.feed })],
    });
    const gql = async (query: string, variables: Record<string, unknown>) => {
      const res = await marksApi.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json', 'x-trailgraph-agent': 'agent://u' }, body: JSON.stringify({ query, variables }) });
      return (await res.json()) as { errors?: { message: string; extensions?: Record<string, unknown> }[] };
    };
    const e = { specversion: '1.0', id: 'g-\ud800', source: 'agent://u', type: 'PatientRegistered', data: { '@type': 'Patient', id: 'p-g', name: 'G' } };
    const pub = await gql('mutation($e: JSON!) { publishEvent(event: $e) { seq } }', { e });
    assert.equal(pub.errors?.[0]?.extensions?.code, 'INVALID_EVENT');
    assert.equal(pub.errors?.[0]?.extensions?.pointer, '/id');
    const mark = await gql('mutation($k: String!) { leaveMark(on: "p-6", kind: $k, ttlMs: 1000) { seq } }', { k: 'needs-\udbff' });
    assert.equal(mark.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(mark.errors?.[0]?.extensions?.argument, 'kind');
    const note = await gql('mutation($n: String!) { leaveMark(on: "p-6", kind: "k", ttlMs: 1000, note: $n) { seq } }', { n: 'x\udc00' });
    assert.equal(note.errors?.[0]?.extensions?.argument, 'note');
    const claim = await gql('mutation($p: String!) { claim(node: "p-6", purpose: $p, ttlMs: 1000) { granted } }', { p: '\ud800' });
    assert.equal(claim.errors?.[0]?.extensions?.argument, 'purpose');
  });
});
