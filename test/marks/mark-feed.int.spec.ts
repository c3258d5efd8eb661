import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GraphStore } from '../../src/ports/graph-store.ts';
import { createMarkFeed } from '../../src/app/marks/mark-feed.ts';
import { ontology, patientUpdated, take } from './fixtures.ts';
import { storesUnderTest, type FreshStore } from '../support/stores.ts';

/**
 * The in-process hub's own duty beyond the port contract (test/contract/mark-feed.contract.ts, run by
 * mark-feed-contract.int.spec.ts): filling holes from the shared store, over each real store.
 */
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
});
