import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GraphStore } from '../../src/ports/graph-store.ts';
import { createMarkFeed } from '../../src/app/marks/mark-feed.ts';
import { SlowSubscriberError } from '../../src/core/errors.ts';
import type { ChangeMark } from '../../src/core/marks/change-mark.ts';
import { ontology, patientUpdated, referralRequested, take } from './fixtures.ts';
import { storesUnderTest, type FreshStore } from '../support/stores.ts';

/** The in-process mark feed over each real store (a SQLite file; the real Neo4j). */
for (const s of await storesUnderTest()) void describe(`in-process mark feed over a real store (${s.kind})`, { ...(s.skip && { skip: s.skip }) }, () => {
  let db: FreshStore;
  let store: GraphStore;
  const openStore = async (): Promise<GraphStore> => {
    const st = db.open(ontology);
    await st.init(ontology);
    return st;
  };
  before(async () => {
    db = await s.fresh();
    store = await openStore();
  });
  after(async () => {
    await store?.close();
    db?.cleanup();
  });

  void it('delivers live marks that match the filter, in seq order, with both relationship endpoints', async () => {
    const feed = await createMarkFeed({ store, ontology });
    const sub = feed.subscribe({ classes: ['Referral'] });
    await store.applyBatch([patientUpdated('p-9', 'evt-live-p'), referralRequested('r-live', 'p-9')]);
    const [mark] = await take(sub, 1);
    assert.equal(mark?.type, 'ReferralRequested');
    assert.equal(mark?.kind, 'event');
    const rel = mark?.changes.find((c) => c.kind === 'relationship');
    assert.deepEqual(rel && rel.kind === 'relationship' && [rel.from.id, rel.to.id], ['r-live', 'p-9']);
    await feed.close();
  });

  void it('resumes with after: replays from the ledger then goes live — every seq exactly once, under concurrent commits', async () => {
    const feed = await createMarkFeed({ store, ontology, pageSize: 7 });
    const start = await store.headSeq();
    for (let i = 0; i < 40; i++) await store.applyBatch([patientUpdated('p-r', `evt-before-${i}`)]);
    const sub = feed.subscribe({}, { after: start });
    // Commits keep landing while the subscriber is replaying.
    const writer = (async () => {
      for (let i = 0; i < 60; i++) {
        await store.applyBatch([patientUpdated('p-r', `evt-during-${i}`)]);
        if (i % 10 === 0) await sleep(1);
      }
    })();
    const marks = await take(sub, 100);
    await writer;
    assert.deepEqual(marks.map((m) => m.seq), Array.from({ length: 100 }, (_, i) => start + 1 + i));
    await sub.return();
    await feed.close();
  });

  void it('cuts off a subscriber that never reads, with the seq to resume after, and frees its queue', async () => {
    const feed = await createMarkFeed({ store, ontology, queueLimit: 50 });
    const lazy = feed.subscribe({ classes: ['Patient'] });
    const reader = feed.subscribe({ classes: ['Patient'] });
    const first = await Promise.all([take(reader, 1), store.applyBatch([patientUpdated('p-s', 'evt-slow-0')])]);
    // The lazy one reads exactly one mark, then stops reading.
    const [m0] = await take(lazy, 1);
    assert.equal(m0?.seq, first[0][0]?.seq);
    await reader.return();
    for (let i = 1; i <= 120; i++) await store.applyBatch([patientUpdated('p-s', `evt-slow-${i}`)]);
    const stats = feed.stats();
    assert.equal(stats.slowSubscribersCut, 1);
    assert.ok(stats.queued <= 50, `queued ${stats.queued} > bound`);
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
  });

  void it("fills gaps from the store: another connection's commits show up in order (gap fill and poll)", async () => {
    const other = await openStore();
    try {
      const feed = await createMarkFeed({ store, ontology, pollMs: 50 });
      const sub = feed.subscribe({ ids: ['p-gap'] });
      await other.applyBatch([patientUpdated('p-gap', 'evt-gap-1')]); // not reported by store.onCommit
      await store.applyBatch([patientUpdated('p-gap', 'evt-gap-2')]); // reported: seq jumps, the hole is filled
      const two = await take(sub, 2);
      assert.deepEqual(two.map((m) => m.eventId), ['evt-gap-1', 'evt-gap-2']);
      await other.applyBatch([patientUpdated('p-gap', 'evt-gap-3')]); // nobody reports it: the poll finds it
      const [third] = await take(sub, 1, 15_000);
      assert.equal(third?.eventId, 'evt-gap-3');
      assert.ok(feed.stats().gapFills >= 1);
      await feed.close();
    } finally {
      await other.close();
    }
  });

  void it('signal marks and claims become change marks, selectable by kind', async () => {
    const feed = await createMarkFeed({ store, ontology });
    const sub = feed.subscribe({ kinds: ['needs-review', 'claim:triage'] });
    await store.applyBatch([referralRequested('r-k', 'p-k')]);
    await store.leaveMark({ on: 'r-k', kind: 'other', strength: 1, ttlMs: 60_000, agent: 'agent://a' });
    const { mark } = await store.leaveMark({ on: 'r-k', kind: 'needs-review', strength: 1, ttlMs: 60_000, agent: 'agent://a' });
    const c = await store.claim({ on: 'r-k', purpose: 'triage', agent: 'agent://a', ttlMs: 60_000 });
    assert.ok(c.granted);
    const got: ChangeMark[] = await take(sub, 2);
    assert.deepEqual(got.map((m) => m.kind), ['mark', 'claim']);
    const left = got[0]?.changes[0];
    assert.equal(left?.kind === 'mark' && left.markId, mark.id);
    await feed.close();
  });
});
