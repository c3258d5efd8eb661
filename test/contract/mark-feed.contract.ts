/**
 * What every MarkFeed must do (src/ports/mark-feed.ts), run by test/marks/mark-feed-contract.int.spec.ts over
 * each live mark source (this store's commits; every replica's over NATS) on each store: marks in seq order and
 * at most once per subscription, `after` replays then continues live with no gap and no duplicate, a subscriber
 * that falls behind is cut off with the seq to resume after while memory stays bounded, and a subscription ends
 * when it is returned, aborted or the feed closes.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SlowSubscriberError } from '../../src/core/errors.ts';
import type { ChangeMark } from '../../src/core/marks/change-mark.ts';
import { UnknownClassFilterError } from '../../src/core/marks/filter.ts';
import type { GraphStore } from '../../src/ports/graph-store.ts';
import type { MarkFeed } from '../../src/ports/mark-feed.ts';
import { patientUpdated, referralRequested, take } from '../marks/fixtures.ts';

/** A feed over one source and store, and where to commit so the marks reach it through that source. */
export interface MarkFeedRig {
  /** The store (connection) the test writes to; initialised with the clinic ontology. */
  readonly writer: GraphStore;
  /** A new feed under test, starting at the store's head. */
  feed(options?: { readonly queueLimit?: number; readonly pageSize?: number }): Promise<MarkFeed>;
  cleanup(): Promise<void>;
}

/** A fresh, empty store and a rig of one source over it. */
export type MakeMarkFeedRig = () => Promise<MarkFeedRig>;

function using(make: MakeMarkFeedRig, body: (rig: MarkFeedRig) => Promise<void>): () => Promise<void> {
  return async () => {
    const rig = await make();
    try {
      await body(rig);
    } finally {
      await rig.cleanup();
    }
  };
}

/** Waits (bounded) until the feed has dispatched everything the writer committed: a remote source is asynchronous. */
async function caughtUp(feed: MarkFeed, writer: GraphStore): Promise<void> {
  const head = await writer.headSeq();
  const deadline = Date.now() + 30_000;
  while (feed.stats().headSeq < head) {
    if (Date.now() > deadline) throw new Error(`feed at ${feed.stats().headSeq}, store at ${head} after 30 s`);
    await sleep(10);
  }
}

/** Registers the mark-feed contract's tests for one source. */
export function markFeedContract(make: MakeMarkFeedRig): void {
  void it('delivers live marks that match the filter, in seq order, with both relationship endpoints', using(make, async ({ writer, feed: open }) => {
    const feed = await open();
    const sub = feed.subscribe({ classes: ['Referral'] });
    await writer.applyBatch([patientUpdated('p-9', 'evt-live-p'), referralRequested('r-live', 'p-9')]);
    await writer.applyBatch([referralRequested('r-live-2', 'p-9')]);
    const marks = await take(sub, 2);
    assert.deepEqual(marks.map((m) => m.eventId), ['evt-r-live', 'evt-r-live-2']);
    assert.ok((marks[0]?.seq ?? 0) < (marks[1]?.seq ?? 0));
    assert.equal(marks[0]?.type, 'ReferralRequested');
    assert.equal(marks[0]?.kind, 'event');
    const rel = marks[0]?.changes.find((c) => c.kind === 'relationship');
    assert.deepEqual(rel && rel.kind === 'relationship' && [rel.from.id, rel.to.id], ['r-live', 'p-9']);
    await feed.close();
  }));

  void it('gives every subscription each mark once, independently; return() ends one without touching the other', using(make, async ({ writer, feed: open }) => {
    const feed = await open();
    const a = feed.subscribe({});
    const b = feed.subscribe({ classes: ['Patient'] });
    assert.equal(feed.stats().subscribers, 2);
    for (let i = 0; i < 10; i++) await writer.applyBatch([patientUpdated(`p-${i % 3}`, `evt-once-${i}`)]);
    const [fromA, fromB] = await Promise.all([take(a, 10), take(b, 10)]);
    const ids = Array.from({ length: 10 }, (_, i) => `evt-once-${i}`);
    assert.deepEqual(fromA.map((m) => m.eventId), ids);
    assert.deepEqual(fromB.map((m) => m.eventId), ids);
    const pending = a.next();
    assert.deepEqual(await a.return(), { done: true, value: undefined });
    assert.equal((await pending).done, true, 'a pending next() resolves done on return()');
    await writer.applyBatch([patientUpdated('p-0', 'evt-once-10')]);
    assert.deepEqual((await take(b, 1)).map((m) => m.eventId), ['evt-once-10']);
    await caughtUp(feed, writer);
    assert.equal(feed.stats().subscribers, 1);
    assert.equal(a.resumeAfterSeq, fromA.at(-1)?.seq, 'resumeAfterSeq is the last mark delivered');
    await feed.close();
  }));

  void it('resumes with after: replays from the ledger then goes live — every seq exactly once, under concurrent commits', using(make, async ({ writer, feed: open }) => {
    const feed = await open({ pageSize: 7 });
    const start = await writer.headSeq();
    for (let i = 0; i < 40; i++) await writer.applyBatch([patientUpdated('p-r', `evt-before-${i}`)]);
    const sub = feed.subscribe({}, { after: start });
    assert.equal(sub.resumeAfterSeq, start, 'before anything is delivered, resumeAfterSeq is the start point');
    // Commits keep landing while the subscriber is replaying.
    const writing = (async () => {
      for (let i = 0; i < 60; i++) {
        await writer.applyBatch([patientUpdated('p-r', `evt-during-${i}`)]);
        if (i % 10 === 0) await sleep(1);
      }
    })();
    const marks = await take(sub, 100);
    await writing;
    assert.deepEqual(marks.map((m) => m.seq), Array.from({ length: 100 }, (_, i) => start + 1 + i));
    await writer.applyBatch([patientUpdated('p-r', 'evt-after')]);
    assert.deepEqual((await take(sub, 1)).map((m) => m.eventId), ['evt-after'], 'and stays live afterwards');
    await sub.return();
    await feed.close();
  }));

  void it('cuts off a subscriber that never reads, with the seq to resume after, and frees its queue', using(make, async ({ writer, feed: open }) => {
    const feed = await open({ queueLimit: 50 });
    const lazy = feed.subscribe({ classes: ['Patient'] });
    const reader = feed.subscribe({ classes: ['Patient'] });
    const first = await Promise.all([take(reader, 1), writer.applyBatch([patientUpdated('p-s', 'evt-slow-0')])]);
    // The lazy one reads exactly one mark, then stops reading.
    const [m0] = await take(lazy, 1);
    assert.equal(m0?.seq, first[0][0]?.seq);
    await reader.return();
    for (let i = 1; i <= 120; i++) await writer.applyBatch([patientUpdated('p-s', `evt-slow-${i}`)]);
    await caughtUp(feed, writer);
    const stats = feed.stats();
    assert.equal(stats.slowSubscribersCut, 1);
    assert.ok(stats.queued <= 50, `queued ${stats.queued} > bound`);
    assert.equal(stats.subscribers, 0, 'the cut subscriber is detached');
    await assert.rejects(lazy.next(), (err: unknown) => {
      assert.ok(err instanceof SlowSubscriberError);
      assert.equal(err.resumeAfterSeq, m0?.seq);
      assert.match(err.message, new RegExp(`resume with after: ${m0?.seq}`));
      return true;
    });
    // Resuming loses nothing.
    const resumed = feed.subscribe({ classes: ['Patient'] }, { after: m0?.seq ?? 0 });
    const rest = await take(resumed, 120);
    assert.deepEqual(rest.map((m) => m.eventId), Array.from({ length: 120 }, (_, i) => `evt-slow-${i + 1}`));
    await feed.close();
  }));

  void it('a per-subscription queueLimit overrides the feed default', using(make, async ({ writer, feed: open }) => {
    const feed = await open({ queueLimit: 1000 });
    const tight = feed.subscribe({}, { queueLimit: 5 });
    for (let i = 0; i < 8; i++) await writer.applyBatch([patientUpdated('p-q', `evt-q-${i}`)]);
    await caughtUp(feed, writer);
    assert.equal(feed.stats().slowSubscribersCut, 1);
    await assert.rejects(tight.next(), (err: unknown) => err instanceof SlowSubscriberError && err.resumeAfterSeq === tight.resumeAfterSeq);
    await feed.close();
  }));

  void it('signal marks and claims become change marks, selectable by kind', using(make, async ({ writer, feed: open }) => {
    const feed = await open();
    const sub = feed.subscribe({ kinds: ['needs-review', 'claim:triage'] });
    await writer.applyBatch([referralRequested('r-k', 'p-k')]);
    await writer.leaveMark({ on: 'r-k', kind: 'other', strength: 1, ttlMs: 60_000, agent: 'agent://a' });
    const { mark } = await writer.leaveMark({ on: 'r-k', kind: 'needs-review', strength: 1, ttlMs: 60_000, agent: 'agent://a' });
    const c = await writer.claim({ on: 'r-k', purpose: 'triage', agent: 'agent://a', ttlMs: 60_000 });
    assert.ok(c.granted);
    const got: ChangeMark[] = await take(sub, 2);
    assert.deepEqual(got.map((m) => m.kind), ['mark', 'claim']);
    const left = got[0]?.changes[0];
    assert.equal(left?.kind === 'mark' && left.markId, mark.id);
    await feed.close();
  }));

  void it('ends subscriptions on abort and on close, and refuses a class the ontology lacks', using(make, async ({ writer, feed: open }) => {
    const feed = await open();
    assert.throws(() => feed.subscribe({ classes: ['Unicorn'] }), UnknownClassFilterError);
    const controller = new AbortController();
    const aborted = feed.subscribe({}, { signal: controller.signal });
    const open2 = feed.subscribe({});
    const waiting = aborted.next();
    controller.abort();
    assert.equal((await waiting).done, true, 'abort ends the subscription');
    const preAborted = feed.subscribe({}, { signal: AbortSignal.abort() });
    assert.equal((await preAborted.next()).done, true, 'an already aborted signal ends it at once');
    await writer.applyBatch([patientUpdated('p-c', 'evt-close-0')]);
    assert.equal((await take(open2, 1))[0]?.eventId, 'evt-close-0');
    const pending = open2.next();
    await feed.close();
    assert.equal((await pending).done, true, 'close ends every subscription');
    assert.equal(feed.stats().subscribers, 0);
  }));
}
