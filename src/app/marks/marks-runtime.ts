/**
 * Wires the marks layer of one replica: the mark feed (fed by this store's commits, or by every replica over NATS
 * when a NATS URL is configured) and the sweeper. `serve` starts it next to the runtime; the API gets the feed.
 */
import type { CompiledOntology } from '../../core/ontology/model.ts';
import type { GraphStore } from '../../ports/graph-store.ts';
import type { LiveMarkSource, MarkFeed } from '../../ports/mark-feed.ts';
import { createMarkFeed } from './mark-feed.ts';
import { startSweeper, type Sweeper } from './sweeper.ts';
import type { Metrics } from '../../observability/metrics.ts';

export interface MarksRuntimeOptions {
  readonly store: GraphStore;
  readonly ontology: CompiledOntology;
  /** Fan marks out over this NATS server (several replicas). */
  readonly natsUrl?: string;
  /** Sweep interval; 0 disables the sweeper. */
  readonly sweepMs?: number;
  readonly queueLimit?: number;
  /** Reports subscribers, cut-offs and commit → delivery time. */
  readonly metrics?: Metrics;
  /** How often the feed checks the store's head for commits no live source reported (default 1 s with NATS, 250 ms without). */
  readonly pollMs?: number;
}

export interface MarksRuntime {
  readonly feed: MarkFeed;
  readonly sweeper: Sweeper | undefined;
  readonly fanout: 'in-process' | 'nats';
  close(): Promise<void>;
}

export async function startMarks({ store, ontology, natsUrl, sweepMs = 500, queueLimit = 1000, pollMs, metrics }: MarksRuntimeOptions): Promise<MarksRuntime> {
  let source: LiveMarkSource | undefined;
  if (natsUrl) {
    // Loaded only in NATS mode so embedded mode never loads the NATS client.
    const { connectNats } = await import('../../adapters/nats/jetstream-bus.ts');
    const { createNatsMarkSource } = await import('../../adapters/nats/mark-fanout.ts');
    source = createNatsMarkSource({ nc: await connectNats(natsUrl, 'trailgraph-marks'), store, ownsConnection: true });
  }
  // The head check finds commits no live source reported: another process on the same SQLite file without NATS
  // (250 ms), or a fan-out message core NATS dropped at the very end of a burst (1 s).
  const feed = await createMarkFeed({
    store, ontology, queueLimit, pollMs: pollMs ?? (source ? 1000 : 250), ...(source && { source }),
    ...(metrics && { onDelivered: (mark) => metrics.markDelivered((Date.now() - Date.parse(mark.committedAt)) / 1000) }),
  });
  metrics?.watch({ feed: () => feed.stats() });
  const sweeper = sweepMs > 0 ? startSweeper({ store, intervalMs: sweepMs }) : undefined;
  return {
    feed,
    sweeper,
    fanout: source ? 'nats' : 'in-process',
    async close() {
      await sweeper?.stop();
      await feed.close();
    },
  };
}
