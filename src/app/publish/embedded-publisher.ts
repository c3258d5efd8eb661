/**
 * Embedded mode's publisher: no bus, the ingestor applies each batch synchronously (validate → plan → one store
 * transaction; invalid events to dead letters). The SQLite ledger is what makes it durable.
 */
import type { IngestResult, Ingestor, RawEvent } from '../ingest/ingest.ts';
import type { PublishOutcome, Publisher } from './publisher.ts';

export interface EmbeddedPublisherOptions {
  /** Only `ingest` is used (tests wrap it to count transactions). */
  readonly ingestor: Pick<Ingestor, 'ingest'>;
  /** Called on close (e.g. nothing; the runtime closes the store itself). */
  readonly onClose?: () => Promise<void>;
}

/** Most events coalesced into one store transaction. */
const MAX_GROUP_EVENTS = 1000;

interface Waiting {
  readonly raws: readonly RawEvent[];
  /** When publish was called (epoch ms): the start of time-to-consistency. */
  readonly at: number;
  readonly resolve: (outcomes: PublishOutcome[]) => void;
  readonly reject: (err: unknown) => void;
}

/** The ingestor's result as a publish outcome (the ingestor read the event id, when the event had one). */
function toOutcome(r: IngestResult | undefined): PublishOutcome {
  if (!r) return { status: 'rejected' };
  if (r.status === 'rejected') return { status: r.status, ...(r.eventId !== undefined && { eventId: r.eventId }), error: r.error, deadLetterId: r.deadLetterId };
  return { status: r.status, eventId: r.eventId, seq: r.seq };
}

/**
 * Group commit: while one store transaction is running, the publishes that arrive queue up, and when it ends
 * they all go into the next one (in arrival order, at most MAX_GROUP_EVENTS). An idle publisher applies at once
 * (no timer, no added delay); a busy one pays one commit per group instead of one per request — the commit, not
 * validation, is what an event costs the embedded store. Each caller still gets its own outcomes (with `seq`,
 * for read-your-writes); an invalid or conflicting event is isolated by the ingestor and affects no other.
 * A retryable store error fails every publish of its group, each caller retries as before.
 */
export function createEmbeddedPublisher({ ingestor, onClose }: EmbeddedPublisherOptions): Publisher {
  const queue: Waiting[] = [];
  let running: Promise<void> | undefined;
  let closed = false;

  // Runs until the queue is empty; `running` is cleared in the same tick the queue is seen empty, so a publish
  // arriving after that starts a new run and none is left waiting.
  const runGroups = async (): Promise<void> => {
    for (;;) {
      if (queue.length === 0) {
        running = undefined;
        return;
      }
      const group: Waiting[] = [];
      let events = 0;
      while (queue.length > 0 && (group.length === 0 || events + (queue[0]?.raws.length ?? 0) <= MAX_GROUP_EVENTS)) {
        const w = queue.shift() as Waiting;
        group.push(w);
        events += w.raws.length;
      }
      const raws = group.length === 1 ? (group[0] as Waiting).raws : group.flatMap((w) => w.raws);
      try {
        const results = await ingestor.ingest(raws, { receivedAtMs: (group[0] as Waiting).at });
        let at = 0;
        for (const w of group) {
          w.resolve(w.raws.map((_, i) => toOutcome(results[at + i])));
          at += w.raws.length;
        }
      } catch (err) {
        for (const w of group) w.reject(err);
      }
    }
  };

  return {
    publish(raws) {
      if (closed) return Promise.reject(new Error('publisher is closed'));
      return new Promise<PublishOutcome[]>((resolve, reject) => {
        queue.push({ raws, at: Date.now(), resolve, reject });
        running ??= runGroups();
      });
    },
    async close() {
      closed = true;
      await running;
      await onClose?.();
    },
  };
}
