/**
 * The MCP server over Streamable HTTP at /mcp, driven by the SDK's own Client against a real service (SQLite):
 * the tool list and its schemas checked against the ontology, every tool called, located errors for bad
 * arguments, resource-updated notifications after commits, and two agents competing for the same claims.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { constraintFor } from '../../src/core/ontology/model.ts';
import { eventDataSchema } from '../../src/core/schemas/event-json-schema.ts';
import { type McpTestService, eventually, fails, ok, patientData, referralData, resourceText, startMcpService } from './support.ts';

let t: McpTestService;
let client: Client;

before(async () => {
  t = await startMcpService();
  client = await t.connect({ 'x-trailgraph-agent': 'agent://tester' });
});
after(async () => {
  await t?.close();
});

void describe('tools generated from the ontology', () => {
  void it('lists one publish tool per event type with the data schema from the SHACL shapes', async () => {
    const { ontology } = t.service.runtime;
    const { tools } = await client.listTools();
    const names = new Set(tools.map((x) => x.name));
    for (const n of ['get_node', 'find_nodes', 'neighbourhood', 'paths', 'history', 'search', 'leave_mark', 'reinforce_mark', 'remove_mark', 'claim', 'renew_claim', 'release_claim', 'marks_since']) assert.ok(names.has(n), n);
    for (const et of ontology.eventTypes.values()) {
      const tool = tools.find((x) => x.name === `publish_${et.name}`);
      assert.ok(tool, `publish_${et.name}`);
      assert.ok(et.comment && tool.description?.includes(et.comment), `${et.name}: rdfs:comment in the description`);
      const schema = tool.inputSchema as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      assert.equal(schema.type, 'object');
      assert.deepEqual(schema.required, ['data']);
      const expected = eventDataSchema(ontology, et);
      assert.deepEqual(schema.$defs, expected.$defs, `${et.name}: $defs`);
      assert.deepEqual(schema.properties.data.oneOf, expected.oneOf, `${et.name}: data`);
    }
    // Spot checks against the shapes: required (sh:minCount), enumerations (sh:in), patterns, rdfs:comment.
    const defs = (tools.find((x) => x.name === 'publish_PatientRegistered')?.inputSchema as Record<string, any>).$defs; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.ok(defs.Patient.required.includes('mrn'));
    assert.equal(defs.Patient.properties.mrn.pattern, constraintFor(ontology, 'Patient', 'mrn').pattern);
    assert.deepEqual(defs.Patient.properties.sex.enum, constraintFor(ontology, 'Patient', 'sex').in);
    const nameComment = ontology.properties.get('name')?.comment;
    if (nameComment) assert.equal(defs.Patient.properties.name.description, nameComment);
    const refDefs = (tools.find((x) => x.name === 'publish_ReferralRequested')?.inputSchema as Record<string, any>).$defs; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.deepEqual(refDefs.Referral.properties.triageLevel.enum, constraintFor(ontology, 'Referral', 'triageLevel').in);
    // find_nodes offers exactly the ontology's classes; every bounded tool says how to page.
    const find = tools.find((x) => x.name === 'find_nodes');
    assert.deepEqual((find?.inputSchema as Record<string, any>).properties.class.enum, [...ontology.classes.keys()]); // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const name of ['find_nodes', 'neighbourhood', 'paths', 'history']) {
      const tool = tools.find((x) => x.name === name);
      assert.match(tool?.description ?? '', /nextCursor/, `${name} tells how to page`);
      assert.ok((tool?.inputSchema as Record<string, any>).properties.limit.maximum <= 100, `${name} limit is bounded`); // eslint-disable-line @typescript-eslint/no-explicit-any
    }
  });

  void it('calls every tool: publish, read, page, walk, trace, mark, claim, feed', async () => {
    for (let i = 1; i <= 3; i++) assert.equal((await ok(client, 'publish_PatientRegistered', { id: `pat-${i}`, data: patientData(`p-${i}`, i) })).status, 'applied');
    const dup = await ok(client, 'publish_PatientRegistered', { id: 'pat-1', data: patientData('p-1', 1) });
    assert.equal(dup.status, 'duplicate', 'same id, same content: a retry is not a second event');
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const published = await ok(client, 'publish_ReferralRequested', { id: 'req-r-1', data: referralData('r-1', 'p-1'), correlationid: 'corr-1', traceparent });
    assert.equal(published.status, 'applied');
    // The trace context travels with the mark, for an MCP agent's reaction to carry on.
    const requested = await ok(client, 'marks_since', { after: 0, where: { eventTypes: ['ReferralRequested'] }, limit: 5 });
    assert.deepEqual(requested.marks.map((m: { eventId: string; traceparent?: string }) => [m.eventId, m.traceparent]), [['req-r-1', traceparent]]);

    const got = await ok(client, 'get_node', { id: 'r-1', fields: ['status', 'triageLevel'], atLeastSeq: published.seq });
    assert.equal(got.node.class, 'Referral');
    assert.deepEqual(got.node.properties, { status: 'requested', triageLevel: 'urgent' });
    assert.equal(got.node.lastChange.source, 'agent://tester');
    assert.ok(got.relationships.some((r: { type: string; to: string }) => r.type === 'forPatient' && r.to === 'p-1'));

    const page1 = await ok(client, 'find_nodes', { class: 'Patient', where: { name: { prefix: 'Patient' } }, orderBy: { field: 'id' }, limit: 2, fields: ['name'] });
    assert.equal(page1.total, 3);
    assert.deepEqual(page1.items.map((n: { id: string }) => n.id), ['p-1', 'p-2']);
    assert.deepEqual(Object.keys(page1.items[0].properties), ['name'], 'only the fields asked for');
    const page2 = await ok(client, 'find_nodes', { class: 'Patient', where: { name: { prefix: 'Patient' } }, orderBy: { field: 'id' }, limit: 2, cursor: page1.nextCursor });
    assert.deepEqual(page2.items.map((n: { id: string }) => n.id), ['p-3']);
    assert.equal(page2.nextCursor, undefined, 'the last page has no cursor');

    const hood = await ok(client, 'neighbourhood', { id: 'r-1', hops: 1, limit: 2 });
    assert.equal(hood.nodes.length, 2);
    assert.ok(hood.nextCursor, 'more neighbours than the limit: a cursor');
    const hood2 = await ok(client, 'neighbourhood', { id: 'r-1', hops: 1, limit: 10, cursor: hood.nextCursor });
    const seen = new Set([...hood.nodes, ...hood2.nodes].map((n: { id: string }) => n.id));
    for (const id of ['r-1', 'p-1', 'gp-7', 'sp-card']) assert.ok(seen.has(id), `neighbourhood pages cover ${id}`);

    const paths = await ok(client, 'paths', { from: 'p-1', to: 'sp-card', maxHops: 3 });
    assert.deepEqual(paths.paths[0].nodes.map((n: { id: string }) => n.id), ['p-1', 'r-1', 'sp-card']);

    await ok(client, 'publish_ReferralTriaged', { id: 'triage-r-1', data: { '@type': 'Referral', id: 'r-1', triageLevel: 'emergency' } });
    const hist = await ok(client, 'history', { id: 'r-1' });
    const triage = hist.entries.find((e: { type: string }) => e.type === 'ReferralTriaged');
    assert.equal(triage.eventId, 'triage-r-1');
    assert.equal(triage.source, 'agent://tester');
    assert.ok(triage.changes.every((c: { id?: string }) => c.id === 'r-1'), 'only the changes about the node');

    // As of a past seq: the referral before its triage, the patients before the third registered.
    const before = await ok(client, 'get_node', { id: 'r-1', fields: ['triageLevel'], asOf: { seq: published.seq } });
    assert.deepEqual(before.node.properties, { triageLevel: 'urgent' }, 'as it was before ReferralTriaged');
    assert.equal(before.marks, undefined, 'marks are the present\'s: not shown as of the past');
    assert.equal((await ok(client, 'get_node', { id: 'r-1', fields: ['triageLevel'] })).node.properties.triageLevel, 'emergency');
    const twoPatients = await ok(client, 'find_nodes', { class: 'Patient', orderBy: { field: 'id' }, asOf: { seq: 2 } });
    assert.deepEqual([twoPatients.total, twoPatients.items.map((n: { id: string }) => n.id)], [2, ['p-1', 'p-2']]);
    assert.deepEqual((await ok(client, 'paths', { from: 'p-1', to: 'sp-card', maxHops: 3, asOf: { seq: 3 } })).paths, [], 'no referral yet at seq 3');
    assert.equal((await ok(client, 'neighbourhood', { id: 'p-1', asOf: { time: new Date().toISOString() } })).nodes.length > 1, true);

    const found = await ok(client, 'search', { text: 'patient 2', classes: ['Patient'], fields: ['name'] });
    assert.equal(found.items[0].id, 'p-2', 'the best hit first');
    assert.deepEqual(found.items[0].properties, { name: 'Patient 2' });
    assert.ok(found.items[0].score > 0);
    const prefix = await ok(client, 'search', { text: 'pati*', classes: ['Patient'], limit: 2 });
    assert.equal(prefix.items.length, 2);
    const rest = await ok(client, 'search', { text: 'pati*', classes: ['Patient'], limit: 2, cursor: prefix.nextCursor });
    assert.deepEqual(new Set([...prefix.items, ...rest.items].map((n: { id: string }) => n.id)), new Set(['p-1', 'p-2', 'p-3']), 'pages cover every patient once');

    const mark = await ok(client, 'leave_mark', { on: 'r-1', kind: 'needs-review', strength: 0.5, ttlMs: 60_000 });
    assert.equal(mark.mark.kind, 'needs-review');
    const reinforced = await ok(client, 'reinforce_mark', { id: mark.mark.id, by: 0.25 });
    assert.ok(reinforced.mark.strength > 0.5);
    const marked = await ok(client, 'find_nodes', { class: 'Referral', where: { marks: [{ kind: 'needs-review' }] } });
    assert.deepEqual(marked.items.map((n: { id: string }) => n.id), ['r-1']);
    const extra = await ok(client, 'leave_mark', { on: 'p-1', kind: 'needs-review', ttlMs: 60_000 });
    const removed = await ok(client, 'remove_mark', { id: extra.mark.id });
    assert.equal(removed.removed, true);
    assert.ok(removed.seq > extra.seq);
    assert.deepEqual(await ok(client, 'remove_mark', { id: extra.mark.id }), { removed: false }, 'already gone');
    assert.deepEqual((await ok(client, 'find_nodes', { class: 'Patient', where: { marks: [{ kind: 'needs-review' }] } })).items, []);

    const claim = await ok(client, 'claim', { node: 'r-1', purpose: 'review', ttlMs: 30_000 });
    assert.equal(claim.granted, true);
    const other = await ok(client, 'claim', { node: 'r-1', purpose: 'review', ttlMs: 30_000, agent: 'agent://other' });
    assert.equal(other.granted, false);
    assert.equal(other.holder.agent, 'agent://tester');
    const renewed = await ok(client, 'renew_claim', { node: 'r-1', purpose: 'review', token: claim.token, ttlMs: 30_000 });
    assert.equal(renewed.granted, true);
    assert.equal((await ok(client, 'release_claim', { node: 'r-1', purpose: 'review', token: claim.token, agent: 'agent://other' })).released, false, 'only the holder releases');
    assert.equal((await ok(client, 'release_claim', { node: 'r-1', purpose: 'review', token: claim.token })).released, true);
    const again = await ok(client, 'claim', { node: 'r-1', purpose: 'review', ttlMs: 30_000, agent: 'agent://other' });
    assert.ok(again.granted && again.token > claim.token, 'fencing tokens strictly increase');

    const feed1 = await ok(client, 'marks_since', { after: 0, limit: 3 });
    assert.deepEqual(feed1.marks.map((m: { seq: number }) => m.seq), [1, 2, 3]);
    const feed2 = await ok(client, 'marks_since', { after: feed1.cursor, where: { kinds: ['claim:review'] }, limit: 50 });
    assert.deepEqual(feed2.marks.map((m: { type: string }) => m.type), ['tg:ClaimGranted', 'tg:ClaimRenewed', 'tg:ClaimReleased', 'tg:ClaimGranted']);
    assert.equal(feed2.cursor, feed2.headSeq, 'caught up: the cursor is the head');
  });

  void it('answers bad arguments with located errors (JSON pointers), never internal errors', async () => {
    const invalid = await fails(client, 'publish_PatientRegistered', { data: { '@type': 'Patient', id: 'p-9', name: 5, birthDate: '1970-02-03', mrn: 'nope' } });
    assert.equal(invalid.code, 'BAD_USER_INPUT');
    const pointers = invalid.issues.map((i: { pointer: string }) => i.pointer);
    assert.ok(pointers.includes('/data/name') && pointers.includes('/data/mrn'), JSON.stringify(invalid.issues));
    assert.deepEqual((await fails(client, 'publish_PatientRegistered', {})).issues, [{ pointer: '/data', message: 'is required' }]);
    const badTrace = await fails(client, 'publish_PatientRegistered', { data: patientData('p-8', 8), traceparent: 'not-a-traceparent' });
    assert.ok(JSON.stringify(badTrace).includes('/traceparent'), JSON.stringify(badTrace));
    assert.equal((await fails(client, 'find_nodes', { class: 'Patient', where: { name: { eq: 5 } } })).pointer, '/where/name/eq');
    assert.equal((await fails(client, 'find_nodes', { class: 'Patient', limit: 1000 })).pointer, '/limit');
    assert.equal((await fails(client, 'find_nodes', { class: 'Nope' })).pointer, '/class');
    assert.equal((await fails(client, 'get_node', { id: 'p-1', bogus: true })).pointer, '/bogus');
    assert.equal((await fails(client, 'neighbourhood', { id: 'p-1', cursor: 'garbage' })).pointer, '/cursor');
    assert.equal((await fails(client, 'get_node', { id: 'p-1', asOf: { seq: 1, time: '2026-01-01T00:00:00Z' } })).pointer, '/asOf');
    assert.equal((await fails(client, 'get_node', { id: 'p-1', asOf: { time: 'yesterday' } })).pointer, '/asOf/time');
    const future = await fails(client, 'get_node', { id: 'p-1', asOf: { seq: 1_000_000 } });
    assert.equal(future.code, 'BAD_USER_INPUT');
    assert.match(future.message, /after the head/);
    assert.equal((await fails(client, 'search', { text: '' })).pointer, '/text');
    assert.equal((await fails(client, 'get_node', { id: 'no-such-node' })).code, 'NOT_FOUND');
    assert.equal((await fails(client, 'claim', { node: 'p-1', purpose: 'x' })).pointer, '/ttlMs');
    assert.equal((await fails(client, 'marks_since', { where: { classes: ['Nope'] } })).pointer, '/where');
    await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }), /unknown tool no_such_tool/, 'an unknown tool is a protocol error');
    const anonymous = await t.connect();
    assert.equal((await fails(anonymous, 'claim', { node: 'p-1', purpose: 'x', ttlMs: 1000 })).pointer, '/agent', 'open mode: who acts must be said');
  });
});

void describe('resources', () => {
  void it('serves the ontology, a node template and the marks resource', async () => {
    const { resources } = await client.listResources();
    assert.deepEqual(resources.map((r) => r.uri).sort(), ['trailgraph://marks', 'trailgraph://ontology', 'trailgraph://ontology/summary']);
    const { resourceTemplates } = await client.listResourceTemplates();
    assert.deepEqual(resourceTemplates.map((r) => r.uriTemplate), ['trailgraph://node/{id}']);
    const turtle = await client.readResource({ uri: 'trailgraph://ontology' });
    assert.match(resourceText(turtle), /tg:EventType/);
    const summary = JSON.parse(resourceText(await client.readResource({ uri: 'trailgraph://ontology/summary' }))) as { classes: Record<string, unknown>; eventTypes: Record<string, string> };
    assert.deepEqual(Object.keys(summary.classes), [...t.service.runtime.ontology.classes.keys()]);
    const node = JSON.parse(resourceText(await client.readResource({ uri: 'trailgraph://node/p-1' }))) as { node: { id: string } };
    assert.equal(node.node.id, 'p-1');
    const marks = JSON.parse(resourceText(await client.readResource({ uri: 'trailgraph://marks' }))) as { cursor: number; headSeq: number };
    assert.equal(marks.cursor, marks.headSeq);
  });

  void it('notifies resource subscribers when an event commits (resources/updated)', async () => {
    const { capabilities } = { capabilities: client.getServerCapabilities() };
    assert.equal(capabilities?.resources?.subscribe, true);
    const updated: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updated.push(n.params.uri));
    await client.subscribeResource({ uri: 'trailgraph://marks' });
    await client.subscribeResource({ uri: 'trailgraph://node/p-2' });
    // Committed by another path (the service's publisher, as a GraphQL or HTTP client would): pushed, not polled.
    const [outcome] = await t.service.runtime.publisher.publish([{ payload: {
      specversion: '1.0', id: 'upd-p-2', source: 'agent://elsewhere', type: 'PatientUpdated', subject: 'Patient/p-2', data: { '@type': 'Patient', id: 'p-2', name: 'Renamed' },
    } }]);
    assert.equal(outcome?.status, 'applied');
    await eventually('marks and node notifications', () => updated.includes('trailgraph://marks') && updated.includes('trailgraph://node/p-2'));
    assert.ok(!updated.includes('trailgraph://node/p-3'));
    const news = await ok(client, 'marks_since', { after: (outcome?.seq ?? 1) - 1 });
    assert.equal(news.marks[0].eventId, 'upd-p-2');
  });
});

void describe('two agents competing for the same claims', () => {
  void it('runs sense → claim → act → release in two sessions: never two holders, each node acted on once', async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `q-${i + 1}`);
    for (const [i, id] of ids.entries()) await ok(client, 'publish_PatientRegistered', { id: `race-${id}`, data: patientData(id, 100 + i) });
    const agents = [await t.connect({ 'x-trailgraph-agent': 'agent://racer-a' }), await t.connect({ 'x-trailgraph-agent': 'agent://racer-b' })];
    const holders = new Map<string, string>();
    const acted = new Map<string, string[]>();
    const tokens = new Map<string, number[]>();
    const loop = async (c: Client, me: string): Promise<void> => {
      for (let round = 0; round < 20; round++) {
        const todo = await ok(c, 'find_nodes', { class: 'Patient', where: { id: { prefix: 'q-' }, marks: [{ kind: 'greeted', absent: true }] }, limit: 20 });
        if (todo.items.length === 0) return;
        await Promise.all(todo.items.map(async ({ id }: { id: string }) => {
          const claim = await ok(c, 'claim', { node: id, purpose: 'greet', ttlMs: 10_000 });
          if (!claim.granted) return;
          assert.equal(holders.get(id), undefined, `${id}: ${me} granted while ${holders.get(id)} holds it`);
          holders.set(id, me);
          tokens.set(id, [...(tokens.get(id) ?? []), claim.token]);
          // Sense again under the claim: someone may have finished it since the list was read.
          const now = await ok(c, 'get_node', { id });
          if (!now.marks.some((m: { kind: string }) => m.kind === 'greeted')) {
            acted.set(id, [...(acted.get(id) ?? []), me]);
            await ok(c, 'leave_mark', { on: id, kind: 'greeted', ttlMs: 600_000 });
          }
          holders.delete(id);
          assert.equal((await ok(c, 'release_claim', { node: id, purpose: 'greet', token: claim.token })).released, true);
        }));
      }
    };
    await Promise.all([loop(agents[0] as Client, 'a'), loop(agents[1] as Client, 'b')]);
    for (const id of ids) {
      assert.equal(acted.get(id)?.length, 1, `${id} acted on once: ${JSON.stringify(acted.get(id))}`);
      const ts = tokens.get(id) ?? [];
      assert.deepEqual(ts, [...ts].sort((x, y) => x - y), `${id}: fencing tokens increase`);
    }
  });
});
