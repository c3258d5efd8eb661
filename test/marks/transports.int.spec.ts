/**
 * Marks over the two standard transports with the OFFICIAL clients (graphql-sse, graphql-ws), against a real
 * server: filters, the current state of touched nodes, resume with `after`, and the cut-off of a client that
 * stops reading.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { PUBLISH, patientEvent, referralEvent, startTestApi, type TestApi } from './api-server.ts';
import { take } from './fixtures.ts';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
/** Heap plus off-heap buffers still referenced, after a full collection. */
function liveMemory(): number {
  collect();
  collect();
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
}

const MARKS = /* GraphQL */ `
  subscription($where: MarkWhere, $after: Int) {
    marks(where: $where, after: $after) {
      seq eventId type kind source
      changes { kind change id class type from { id class } to { id class } markKind purpose token }
      nodes { id _class ... on Referral { status priority reason } }
    }
  }`;

interface MarkData {
  marks: { seq: number; eventId: string; type: string; kind: string; changes: { kind: string; from?: { id: string } | null; to?: { id: string } | null }[]; nodes: { id: string; status?: string }[] };
}

void describe('marks subscription over SSE and WebSocket', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi({ queueLimit: 100 });
  });
  after(async () => {
    await api.close();
  });

  const publish = async (e: Record<string, unknown>): Promise<number> => {
    const res = await api.gql(PUBLISH, { e });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    return (res.data?.publishEvent as { seq: number }).seq;
  };

  for (const transport of ['sse', 'ws'] as const) {
    void it(`${transport}: delivers only matching marks, with both endpoints and the current node state`, async () => {
      const iterate = (variables: Record<string, unknown>): AsyncIterableIterator<{ data?: MarkData | null; errors?: unknown }> => {
        if (transport === 'ws') {
          const client = createWsClient({ url: api.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, lazyCloseTimeout: 0 });
          return client.iterate({ query: MARKS, variables }) as never;
        }
        const client = createSseClient({ url: `${api.url}/graphql`, retryAttempts: 0 });
        return client.iterate({ query: MARKS, variables }) as never;
      };
      const ref = `r-${transport}`;
      const sub = iterate({ where: { classes: ['Referral'], ids: [ref] } });
      const first = sub.next(); // subscribes
      await sleep(150);
      await publish(patientEvent(`p-other-${transport}`)); // filtered out
      const seq = await publish(referralEvent(ref, `p-${transport}`));
      const r = await first;
      const mark = (r.value?.data as MarkData | undefined)?.marks;
      assert.ok(mark, JSON.stringify(r.value));
      assert.equal(mark.seq, seq);
      assert.equal(mark.type, 'ReferralRequested');
      const rel = mark.changes.find((c) => c.kind === 'relationship');
      assert.deepEqual([rel?.from?.id, rel?.to?.id], [ref, `p-${transport}`]);
      assert.deepEqual(mark.nodes.map((n) => n.id).sort(), [`p-${transport}`, ref].sort());
      assert.equal(mark.nodes.find((n) => n.id === ref)?.status, 'requested');
      await sub.return?.();
    });
  }

  void it('an unknown class in the filter is a clear error, not a silent empty stream', async () => {
    const client = createSseClient({ url: `${api.url}/graphql`, retryAttempts: 0 });
    const sub = client.iterate({ query: MARKS, variables: { where: { classes: ['Referal'] } } });
    const r = await sub.next();
    assert.match(JSON.stringify(r.value), /Referal/);
    await sub.return?.();
  });

  void it('disconnect, miss marks, resume with after: every mark exactly once, over both clients', async () => {
    const where = { ids: ['p-resume'] };
    const ws = createWsClient({ url: api.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, lazyCloseTimeout: 0 });
    const s1 = ws.iterate({ query: MARKS, variables: { where } }) as AsyncIterableIterator<{ data: MarkData }>;
    const p1 = take(s1, 3);
    await sleep(150);
    const published: number[] = [];
    for (let i = 0; i < 3; i++) published.push(await publish(patientEvent('p-resume', `v${i}`)));
    const got1 = await p1;
    await s1.return?.(); // disconnect
    const last = got1.at(-1)?.data.marks.seq ?? 0;
    for (let i = 3; i < 8; i++) published.push(await publish(patientEvent('p-resume', `v${i}`))); // missed
    const sse = createSseClient({ url: `${api.url}/graphql`, retryAttempts: 0 }); // yoga's own distinct-connections SSE
    const s2 = sse.iterate({ query: MARKS, variables: { where, after: last } }) as AsyncIterableIterator<{ data: MarkData }>;
    const p2 = take(s2, 7);
    await sleep(150);
    for (let i = 8; i < 10; i++) published.push(await publish(patientEvent('p-resume', `v${i}`))); // live again
    const got2 = await p2;
    await s2.return?.();
    assert.deepEqual([...got1, ...got2].map((r) => r.data.marks.seq), published);
  });

  void it('a client that stops reading is cut off with the seq to resume after; server memory stays bounded', async () => {
    // A raw SSE request whose socket we stop reading, so TCP backpressure reaches the server.
    const body = JSON.stringify({ query: MARKS, variables: { where: { ids: ['r-slow'] } } });
    let socketRef: Socket | undefined;
    const chunks: Buffer[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const req = request(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' } }, (res) => {
        socketRef = res.socket;
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve());
        res.on('error', reject);
      });
      req.on('socket', (s) => s.setNoDelay(true));
      req.on('error', reject);
      req.end(body);
    });
    await sleep(200);
    assert.ok(socketRef, 'connected');
    socketRef.pause();
    const big = 'x'.repeat(15_000); // each mark carries the referral's current reason
    const memBefore = liveMemory();
    let maxQueued = 0;
    for (let i = 0; i < 1500 && api.marks.feed.stats().slowSubscribersCut === 0; i++) {
      await publish(referralEvent('r-slow', 'p-slow', `${big}-${i}`));
      maxQueued = Math.max(maxQueued, api.marks.feed.stats().queued);
    }
    const stats = api.marks.feed.stats();
    assert.equal(stats.slowSubscribersCut, 1, 'the slow client was cut off');
    assert.ok(maxQueued <= 101, `queue grew to ${maxQueued}`);
    // Live memory after a full GC (heap + buffers): RSS also counts garbage the allocator has not returned yet, which
    // made this check flaky. ~1,500 published 15 KB events pass through; without the bound the queue alone would hold
    // ~1,100 marks with their node state.
    const growth = liveMemory() - memBefore;
    assert.ok(growth < 16 * 1024 * 1024, `live memory grew by ${growth} bytes`);
    socketRef.resume();
    await done;
    const text = Buffer.concat(chunks).toString('utf8');
    const m = /resume with after: (\d+)/.exec(text);
    assert.ok(m, 'the stream ends with the resume hint');
    assert.match(text, /SLOW_SUBSCRIBER/);
    // Everything delivered before the cut is ≤ the resume seq; resuming from it loses nothing.
    const seqs = [...text.matchAll(/"seq":(\d+)/g)].map((x) => Number(x[1]));
    assert.equal(Math.max(...seqs), Number(m[1]));
  });

  void it('graphql-ws: a client that stops reading is cut off with SLOW_SUBSCRIBER and the seq to resume after', async () => {
    // A raw `ws` client speaking graphql-transport-ws, so we control reading: once subscribed it pauses its socket.
    const ws = new WebSocket(api.url.replace('http', 'ws') + '/graphql', 'graphql-transport-ws');
    const messages: { id?: string; type: string; payload?: unknown }[] = [];
    ws.on('message', (d: Buffer) => messages.push(JSON.parse(d.toString('utf8')) as never));
    await once(ws, 'open');
    ws.send(JSON.stringify({ type: 'connection_init' }));
    while (!messages.some((m) => m.type === 'connection_ack')) await sleep(10);
    ws.send(JSON.stringify({ id: 'slow', type: 'subscribe', payload: { query: MARKS, variables: { where: { ids: ['r-ws-slow'] } } } }));
    await sleep(200);
    const subscribersBefore = api.marks.feed.stats().subscribers;
    assert.ok(subscribersBefore >= 1, 'subscribed');
    ws.pause(); // stop reading: the kernel buffers fill, then the server's ws send buffer passes its high-water mark
    const cutBefore = api.marks.feed.stats().slowSubscribersCut;
    const big = 'y'.repeat(15_000);
    const memBefore = liveMemory();
    let maxQueued = 0;
    let sent = 0;
    for (; sent < 2000 && api.marks.feed.stats().slowSubscribersCut === cutBefore; sent++) {
      await publish(referralEvent('r-ws-slow', 'p-ws-slow', `${big}-${sent}`));
      maxQueued = Math.max(maxQueued, api.marks.feed.stats().queued);
    }
    assert.equal(api.marks.feed.stats().slowSubscribersCut, cutBefore + 1, `not cut off after ${sent} marks of ~15 kB`);
    assert.ok(maxQueued <= 101, `feed queue grew to ${maxQueued}`);
    const growth = liveMemory() - memBefore;
    assert.ok(growth < 16 * 1024 * 1024, `live memory grew by ${growth} bytes while ${sent} marks of ~15 kB were published`);
    assert.equal(api.marks.feed.stats().subscribers, subscribersBefore - 1, 'the feed subscription is gone');

    ws.resume();
    const deadline = Date.now() + 10_000;
    while (!messages.some((m) => m.id === 'slow' && m.type === 'complete') && Date.now() < deadline) await sleep(20);
    ws.close();
    const ours = messages.filter((m) => m.id === 'slow');
    assert.equal(ours.at(-1)?.type, 'complete', 'the operation completes after the error');
    const failed = ours.find((m) => m.type === 'next' && (m.payload as { errors?: unknown[] }).errors);
    const error = (failed?.payload as { errors: { message: string; extensions: { code: string; resumeAfterSeq: number } }[] } | undefined)?.errors[0];
    assert.ok(error, 'an error result was sent');
    assert.equal(error.extensions.code, 'SLOW_SUBSCRIBER');
    assert.match(error.message, new RegExp(`resume with after: ${error.extensions.resumeAfterSeq}$`));
    // Everything delivered before the cut is at or below the resume seq, and the last one is exactly it.
    const seqs = ours.flatMap((m) => ((m.payload as { data?: MarkData | null } | undefined)?.data?.marks.seq ?? []));
    assert.ok(seqs.length > 0 && seqs.length < sent, `${seqs.length} delivered of ${sent}`);
    assert.equal(Math.max(...seqs), error.extensions.resumeAfterSeq);
  });
});
