/**
 * The mark-feed contract over both live mark sources, on each store (a SQLite file; the real Neo4j):
 * - this store's commits (one replica: the feed and the writer share a connection);
 * - the NATS fan-out (two replicas on one store: the writer's commits reach the other replica's feed over a real
 *   nats-server, never through its own store's commit hook).
 */
import { after, before, describe } from 'node:test';
import { connectNats } from '../../src/adapters/nats/jetstream-bus.ts';
import { createNatsMarkSource } from '../../src/adapters/nats/mark-fanout.ts';
import { createMarkFeed } from '../../src/app/marks/mark-feed.ts';
import type { GraphStore } from '../../src/ports/graph-store.ts';
import type { LiveMarkSource, MarkFeed } from '../../src/ports/mark-feed.ts';
import { markFeedContract, type MarkFeedRig } from '../contract/mark-feed.contract.ts';
import { startNatsServer, type NatsServer } from '../support/nats-server.ts';
import { storesUnderTest, type FreshStore } from '../support/stores.ts';
import { ontology } from './fixtures.ts';

async function opened(db: FreshStore): Promise<GraphStore> {
  const store = db.open(ontology);
  await store.init(ontology);
  return store;
}

/** Feeds made by a rig, closed (if the test did not) before the stores. */
function feeds(): { make(store: GraphStore, source: () => LiveMarkSource | undefined, o?: { queueLimit?: number; pageSize?: number }): Promise<MarkFeed>; closeAll(): Promise<void> } {
  const made: MarkFeed[] = [];
  return {
    async make(store, source, o = {}) {
      const s = source();
      const feed = await createMarkFeed({ store, ontology, ...o, ...(s && { source: s }) });
      made.push(feed);
      return feed;
    },
    async closeAll() {
      for (const f of made) await f.close();
    },
  };
}

for (const s of await storesUnderTest()) {
  void describe(`mark feed contract (store commits, ${s.kind})`, { ...(s.skip && { skip: s.skip }) }, () => {
    markFeedContract(async (): Promise<MarkFeedRig> => {
      const db = await s.fresh();
      const store = await opened(db);
      const made = feeds();
      return {
        writer: store,
        feed: (o) => made.make(store, () => undefined, o),
        async cleanup() {
          await made.closeAll();
          await store.close();
          db.cleanup();
        },
      };
    });
  });

  void describe(`mark feed contract (NATS fan-out between two replicas, ${s.kind})`, { ...(s.skip && { skip: s.skip }) }, () => {
    let server: NatsServer;
    before(async () => {
      server = await startNatsServer({ jetstream: false });
    });
    after(async () => {
      await server?.stop();
    });
    markFeedContract(async (): Promise<MarkFeedRig> => {
      const db = await s.fresh();
      const writer = await opened(db);
      const reader = await opened(db);
      // The writing replica's source publishes its commits; the reading replica's feed hears them over NATS.
      const writerSource = createNatsMarkSource({ nc: await connectNats(server.url, 'contract-writer'), store: writer, ownsConnection: true });
      const readerConnection = await connectNats(server.url, 'contract-reader');
      const made = feeds();
      return {
        writer,
        feed: (o) => made.make(reader, () => createNatsMarkSource({ nc: readerConnection, store: reader }), o),
        async cleanup() {
          await made.closeAll();
          await writerSource.close();
          await readerConnection.drain();
          await writer.close();
          await reader.close();
          db.cleanup();
        },
      };
    });
  });
}
