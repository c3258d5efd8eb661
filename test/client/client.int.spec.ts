/**
 * The typed client against a real server: publish → query, claims, signal marks, and a subscription that
 * survives a server restart, resuming with `after` so every mark arrives exactly once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, TrailgraphClientError, type Mark } from '../../src/client/index.ts';
import { patientEvent, referralEvent, startTestApi, type TestApi } from '../marks/api-server.ts';
import { openStore, patientUpdated, take, tempDbPath } from '../marks/fixtures.ts';

void describe('trailgraph/client', () => {
  const db = tempDbPath();
  let api: TestApi;
  let port = 0;
  before(async () => {
    api = await startTestApi({ path: db.path });
    port = Number(new URL(api.url).port);
  });
  after(async () => {
    await api.close();
    db.cleanup();
  });

  void it('publishes, then reads its own write', async () => {
    const tg = createClient({ url: api.url, agent: 'agent://intake' });
    const res = await tg.publish(referralEvent('r-c1', 'p-c1'));
    assert.equal(res.status, 'applied');
    assert.ok(typeof res.seq === 'number' && res.seq > 0);
    const d = await tg.query<{ referral: { status: string; forPatient: { id: string } } }>(
      'query($id: ID!, $s: Int) { referral(id: $id, atLeastSeq: $s) { status forPatient { id } } }',
      { id: 'r-c1', s: res.seq },
    );
    assert.deepEqual(d.referral, { status: 'requested', forPatient: { id: 'p-c1' } });
    await assert.rejects(tg.publish({ specversion: '1.0', id: 'bad-1', source: 'x', type: 'Nope', data: {} }), (err: unknown) => {
      assert.ok(err instanceof TrailgraphClientError);
      assert.equal(err.code, 'INVALID_EVENT');
      return true;
    });
  });

  void it('reads a node as of a past seq or time, and catches up with changesSince', async () => {
    const tg = createClient({ url: api.url, agent: 'agent://intake' });
    const first = await tg.publish(patientEvent('p-asof', 'Ann Old'));
    // Commit times have ms precision: step off the first commit's ms and keep the second out of this one.
    await sleep(5);
    const before = new Date().toISOString();
    await sleep(5);
    const second = await tg.publish(patientEvent('p-asof', 'Ann New'));
    assert.ok(typeof first.seq === 'number' && typeof second.seq === 'number' && second.seq > first.seq);
    const fields = '... on Patient { name }';
    assert.deepEqual(await tg.node('p-asof', { fields }), { id: 'p-asof', _class: 'Patient', name: 'Ann New' });
    assert.deepEqual(await tg.node('p-asof', { fields, asOf: { seq: first.seq } }), { id: 'p-asof', _class: 'Patient', name: 'Ann Old' });
    assert.equal((await tg.node('p-asof', { fields, asOf: { time: before } }))?.name, 'Ann Old');
    assert.equal(await tg.node('p-asof', { asOf: { seq: first.seq - 1 } }), null, 'not created yet');
    await assert.rejects(tg.node('p-asof', { asOf: { seq: second.seq + 1000 } }), (err: unknown) => err instanceof TrailgraphClientError && /after the head/.test(err.message));

    const page = await tg.changesSince(first.seq - 1, { first: 2 });
    assert.deepEqual(page.changes.map((c) => [c.seq, c.type]), [[first.seq, 'PatientRegistered'], [second.seq, 'PatientRegistered']]);
    assert.equal(page.cursor, second.seq);
    const node = page.changes[1]?.changes.find((c) => c.kind === 'node');
    assert.deepEqual(node && node.kind === 'node' && [node.id, node.change], ['p-asof', 'updated']);
    const rest = await tg.changesSince(page.cursor);
    assert.deepEqual([rest.changes.length, rest.cursor], [0, page.cursor], 'caught up: nothing more, same cursor');
  });

  void it('claims: one holder at a time, tokens increase, stale tokens are refused', async () => {
    const a = createClient({ url: api.url, agent: 'agent://a' });
    const b = createClient({ url: api.url, agent: 'agent://b' });
    const ca = await a.claim('r-c1', 'triage', 10_000);
    assert.equal(ca.granted, true);
    const cb = await b.claim('r-c1', 'triage', 10_000);
    assert.equal(cb.granted, false);
    assert.equal(cb.holder?.agent, 'agent://a');
    assert.equal((await a.renew('r-c1', 'triage', ca.token ?? 0, 10_000)).granted, true);
    assert.equal(await a.release('r-c1', 'triage', ca.token ?? 0), true);
    const cb2 = await b.claim('r-c1', 'triage', 10_000);
    assert.ok(cb2.granted && (cb2.token ?? 0) > (ca.token ?? 0));
    assert.equal(await a.release('r-c1', 'triage', ca.token ?? 0), false, 'a stale token cannot release');
  });

  void it('leaves and reinforces marks that a filtered subscriber sees', async () => {
    const tg = createClient({ url: api.url, agent: 'agent://billing' });
    const stream = tg.subscribe({ kinds: ['needs-insurance-check'] });
    const it = stream[Symbol.asyncIterator]();
    const next = it.next();
    await sleep(150);
    const left = await tg.leaveMark({ on: 'r-c1', kind: 'needs-insurance-check', strength: 0.5, halfLifeMs: 60_000 });
    const m = (await next).value as Mark;
    assert.equal(m.seq, left.seq);
    assert.equal(m.kind, 'mark');
    const r = await tg.reinforceMark(left.mark.id, 0.4);
    assert.ok(r.mark.strength > 0.85);
    assert.equal(((await it.next()).value as Mark).seq, r.seq);
    stream.close();
  });

  void it('resumes after a server restart: every mark exactly once, in order', async () => {
    const tg = createClient({ url: api.url, agent: 'agent://watcher' });
    const stream = tg.subscribe({ ids: ['p-restart'] }, { maxBackoffMs: 200 });
    const it = stream[Symbol.asyncIterator]();
    const firstThree = take(it, 3, 10_000);
    await sleep(200);
    const expected: number[] = [];
    for (let i = 0; i < 3; i++) expected.push((await tg.publish(patientEvent('p-restart', `v${i}`))).seq ?? -1);
    await firstThree;

    await api.close(); // the stream breaks
    const writer = await openStore(db.path); // the world moves on while the service is down
    for (let i = 3; i < 8; i++) expected.push((await writer.applyBatch([patientUpdated('p-restart', `evt-down-${i}`)]))[0]?.seq ?? -1);
    await writer.close();
    api = await startTestApi({ path: db.path, port });

    const rest = take(it, 7, 15_000);
    await sleep(300);
    for (let i = 8; i < 10; i++) expected.push((await tg.publish(patientEvent('p-restart', `v${i}`))).seq ?? -1);
    const got = [...(await firstThree), ...(await rest)] as Mark[];
    assert.deepEqual(got.map((m) => m.seq), expected);
    assert.ok(stream.reconnects >= 1);
    assert.equal(stream.lastSeq, expected.at(-1));
    stream.close();
  });
});
