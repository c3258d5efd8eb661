/**
 * What every EventBus must do (src/ports/event-bus.ts), run against each deployment of each adapter by
 * test/adapters/event-bus.int.spec.ts: positions that grow in publish order and are delivered in that order,
 * dedupe by msg id (also under concurrent retries), a subject derived from the envelope, explicit settlement
 * (ack / nak / term), bounded redelivery, a durable position and a reset to any position.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BusConsumer, BusMessage, EventBus, EventRouting } from '../../src/ports/event-bus.ts';

/** A fresh, empty bus of one adapter (its consumer not yet opened), and how to dispose of it. */
export type MakeEventBus = () => Promise<{
  bus: EventBus;
  /**
   * How long an unacked message may take to come back, at most, on this rig (ack wait plus backoff plus slack):
   * the suite waits this long before concluding that something is NOT redelivered.
   */
  readonly redeliverWithinMs: number;
  cleanup(): Promise<void>;
}>;

function using(make: MakeEventBus, body: (bus: EventBus, redeliverWithinMs: number) => Promise<void>): () => Promise<void> {
  return async () => {
    const { bus, redeliverWithinMs, cleanup } = await make();
    try {
      await body(bus, redeliverWithinMs);
    } finally {
      await cleanup();
    }
  };
}

const referral = (id: string, type = 'ReferralRequested'): EventRouting => ({ type, subject: `Referral/${id}` });
const payloadOf = (id: string): string => JSON.stringify({ specversion: '1.0', id, source: 'agent://contract', type: 'ReferralRequested', data: { note: `naïve ✓ ${id}` } });

/** Fetches until `n` messages arrived (failing after `timeoutMs`); never acks. */
async function receive(consumer: BusConsumer, n: number, timeoutMs = 30_000): Promise<BusMessage[]> {
  const out: BusMessage[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < n) {
    if (Date.now() > deadline) throw new Error(`received ${out.length} of ${n} messages in ${timeoutMs} ms`);
    out.push(...(await consumer.fetch(n - out.length, 500)));
  }
  return out;
}

/** Everything delivered within `ms` (redeliveries included). */
async function quietFor(consumer: BusConsumer, ms: number): Promise<BusMessage[]> {
  const out: BusMessage[] = [];
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) out.push(...(await consumer.fetch(100, Math.max(1, Math.min(250, deadline - Date.now())))));
  return out;
}

/** Polls consumer.state() until `ok` holds (acks travel asynchronously). */
async function stateUntil(consumer: BusConsumer, ok: (s: { ackFloor: number; delivered: number }) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const s = await consumer.state();
    if (ok(s)) return;
    if (Date.now() > deadline) throw new Error(`${what}: consumer state stayed ${JSON.stringify(s)}`);
    await sleep(50);
  }
}

/** Acknowledges a delivered batch the way the consumer settles: the last one when it acks all, else each. */
function ackAll(consumer: BusConsumer, messages: readonly BusMessage[]): void {
  if (consumer.ackAll) messages.at(-1)?.ack();
  else for (const m of messages) m.ack();
}

/** Registers the event-bus contract's tests for one adapter. */
export function eventBusContract(make: MakeEventBus): void {
  void it('gives each publish a position that grows in publish order and delivers payload, headers and order intact', using(make, async (bus) => {
    assert.equal(await bus.lastSeq(), 0, 'an empty bus is at position 0');
    const seqs: number[] = [];
    for (let i = 0; i < 12; i++) {
      const ack = await bus.publish(referral(`r-${i % 3}`), payloadOf(`e-${i}`), { msgId: `e-${i}`, headers: { traceparent: `00-${'a'.repeat(30)}${String(i).padStart(2, '0')}-b7ad6b7169203331-01` } });
      assert.equal(ack.duplicate, false);
      seqs.push(ack.streamSeq);
    }
    for (let i = 1; i < seqs.length; i++) assert.ok((seqs[i] ?? 0) > (seqs[i - 1] ?? 0), `positions grow: ${seqs.join(',')}`);
    assert.equal(await bus.lastSeq(), seqs.at(-1));
    const consumer = await bus.consumer();
    const got = await receive(consumer, 12);
    assert.deepEqual(got.map((m) => m.streamSeq), seqs, 'delivered in position order');
    assert.deepEqual(got.map((m) => m.data), seqs.map((_, i) => payloadOf(`e-${i}`)), 'payloads byte for byte');
    assert.deepEqual(got.map((m) => m.deliveryCount), seqs.map(() => 1));
    for (const [i, m] of got.entries()) assert.match(m.headers.traceparent ?? '', new RegExp(`${String(i).padStart(2, '0')}-b7ad`), 'extra headers travel');
    ackAll(consumer, got);
  }));

  void it('stores a msg id once: a repeat, also concurrent ones, answers duplicate with the original position', using(make, async (bus) => {
    const first = await bus.publish(referral('r-1'), payloadOf('d-1'), { msgId: 'd-1' });
    const other = await bus.publish(referral('r-2'), payloadOf('d-2'), { msgId: 'd-2' });
    const again = await bus.publish(referral('r-1'), payloadOf('d-1'), { msgId: 'd-1' });
    assert.deepEqual(again, { streamSeq: first.streamSeq, duplicate: true });
    // Eight publishers retrying one id at once (lost acks): one stores it, all learn the same position.
    const racing = await Promise.all(Array.from({ length: 8 }, () => bus.publish(referral('r-3'), payloadOf('d-3'), { msgId: 'd-3' })));
    assert.equal(racing.filter((a) => !a.duplicate).length, 1, 'exactly one of the racing publishes stored the message');
    assert.equal(new Set(racing.map((a) => a.streamSeq)).size, 1);
    assert.equal(await bus.lastSeq(), (racing[0]?.streamSeq ?? 0));
    const consumer = await bus.consumer();
    const got = await receive(consumer, 3);
    assert.deepEqual(got.map((m) => m.streamSeq), [first.streamSeq, other.streamSeq, racing[0]?.streamSeq]);
    ackAll(consumer, got);
    assert.deepEqual(await quietFor(consumer, 500), [], 'nothing else was stored');
  }));

  void it('keeps publish order under concurrent publishers: delivery follows the positions, each message once', using(make, async (bus) => {
    const acks = await Promise.all(Array.from({ length: 60 }, (_, i) => bus.publish(referral(`r-${i % 5}`), payloadOf(`c-${i}`), { msgId: `c-${i}` })));
    const consumer = await bus.consumer();
    const got = await receive(consumer, 60);
    assert.deepEqual(got.map((m) => m.streamSeq), acks.map((a) => a.streamSeq).sort((a, b) => a - b));
    const byId = new Map(acks.map((a, i) => [a.streamSeq, payloadOf(`c-${i}`)]));
    for (const m of got) assert.equal(m.data, byId.get(m.streamSeq), `message at ${m.streamSeq} carries what was acked there`);
    ackAll(consumer, got);
  }));

  void it('derives the subject from the envelope: same routing, same subject; any attribute changed, another', using(make, async (bus) => {
    const routings: EventRouting[] = [
      referral('r-1'),
      referral('r-1'),
      referral('r-2'),
      referral('r-1', 'ReferralAccepted'),
      { ...referral('r-1'), domain: 'billing' },
      { ...referral('r-1'), agent: 'agent://intake' },
      { type: 'PatientRegistered' },
      // Ids with the characters a subject gives meaning to still route, and stay apart.
      referral('r.1'), referral('r*1'), referral('r>1'), referral('r 1'), referral('r%2E1'),
    ];
    for (const [i, r] of routings.entries()) await bus.publish(r, payloadOf(`s-${i}`), { msgId: `s-${i}` });
    const consumer = await bus.consumer();
    const got = await receive(consumer, routings.length);
    const subjects = got.map((m) => m.subject);
    assert.equal(subjects[0], subjects[1], 'the same routing gives the same subject');
    assert.equal(new Set(subjects.slice(1)).size, routings.length - 1, `every other routing its own subject: ${subjects.join(' ')}`);
    ackAll(consumer, got);
  }));

  void it('redelivers a message nobody acks, counting deliveries up to maxDeliver, then never again', using(make, async (bus, redeliverWithinMs) => {
    await bus.publish(referral('r-1'), payloadOf('p-1'), { msgId: 'p-1' });
    const consumer = await bus.consumer();
    assert.ok(consumer.maxDeliver >= 2, 'the rig allows a redelivery');
    const counts: number[] = [];
    const deadline = Date.now() + redeliverWithinMs * consumer.maxDeliver * 2;
    while (counts.length < consumer.maxDeliver && Date.now() < deadline) {
      for (const m of await consumer.fetch(1, 500)) counts.push(m.deliveryCount);
    }
    assert.deepEqual(counts, Array.from({ length: consumer.maxDeliver }, (_, i) => i + 1));
    assert.deepEqual((await quietFor(consumer, redeliverWithinMs)).map((m) => m.deliveryCount), [], 'exhausted: not delivered again');
  }));

  void it('nak redelivers at once or after its delay; term ends the deliveries', using(make, async (bus, redeliverWithinMs) => {
    await bus.publish(referral('r-1'), payloadOf('n-1'), { msgId: 'n-1' });
    const consumer = await bus.consumer();
    const [first] = await receive(consumer, 1);
    first?.nak(200);
    const [second] = await receive(consumer, 1, redeliverWithinMs);
    assert.equal(second?.streamSeq, first?.streamSeq);
    assert.equal(second?.deliveryCount, 2);
    second?.term('the contract says so');
    assert.deepEqual(await quietFor(consumer, redeliverWithinMs), [], 'a terminated message is not redelivered');
    await stateUntil(consumer, (s) => s.ackFloor >= (first?.streamSeq ?? 1), 'term settles the message');
  }));

  void it('an acked message stays settled, and the position survives a new consumer (durable)', using(make, async (bus, redeliverWithinMs) => {
    for (let i = 1; i <= 4; i++) await bus.publish(referral(`r-${i}`), payloadOf(`a-${i}`), { msgId: `a-${i}` });
    const consumer = await bus.consumer();
    const got = await receive(consumer, 4);
    ackAll(consumer, got);
    await stateUntil(consumer, (s) => s.ackFloor === 4 && s.delivered === 4, 'acks reach the bus');
    assert.deepEqual(await quietFor(consumer, redeliverWithinMs), [], 'acked messages are not redelivered');
    await consumer.close();
    const fifth = await bus.publish(referral('r-5'), payloadOf('a-5'), { msgId: 'a-5' });
    const reopened = await bus.consumer();
    const next = await receive(reopened, 1);
    assert.deepEqual(next.map((m) => [m.streamSeq, m.deliveryCount]), [[fifth.streamSeq, 1]], 'a reopened consumer continues after the acked ones');
    ackAll(reopened, next);
  }));

  void it('resetTo restarts delivery at any stream position (a restored or fresh store)', using(make, async (bus) => {
    const seqs: number[] = [];
    for (let i = 1; i <= 5; i++) seqs.push((await bus.publish(referral(`r-${i}`), payloadOf(`z-${i}`), { msgId: `z-${i}` })).streamSeq);
    const consumer = await bus.consumer();
    ackAll(consumer, await receive(consumer, 5));
    await stateUntil(consumer, (s) => s.ackFloor === seqs[4], 'acks reach the bus');
    await consumer.resetTo(seqs[2] ?? 3);
    const again = await receive(consumer, 3);
    assert.deepEqual(again.map((m) => m.streamSeq), seqs.slice(2));
    assert.deepEqual(again.map((m) => m.data), [3, 4, 5].map((i) => payloadOf(`z-${i}`)));
    ackAll(consumer, again);
    assert.deepEqual(await quietFor(consumer, 500), []);
    // And from a position past everything: nothing until the next publish.
    await consumer.resetTo(6);
    const sixth = await bus.publish(referral('r-6'), payloadOf('z-6'), { msgId: 'z-6' });
    assert.deepEqual((await receive(consumer, 1)).map((m) => m.streamSeq), [sixth.streamSeq]);
  }));

  void it('consumer({ startSeq }) opens the consumer at that position', using(make, async (bus) => {
    for (let i = 1; i <= 4; i++) await bus.publish(referral(`r-${i}`), payloadOf(`o-${i}`), { msgId: `o-${i}` });
    const consumer = await bus.consumer({ startSeq: 3 });
    const got = await receive(consumer, 2);
    assert.deepEqual(got.map((m) => m.streamSeq), [3, 4]);
    ackAll(consumer, got);
    assert.deepEqual(await quietFor(consumer, 500), []);
  }));
}
