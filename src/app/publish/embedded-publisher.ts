/**
 * Embedded mode's publisher: no bus, the ingestor applies each batch synchronously (validate → plan → one store
 * transaction; invalid events to dead letters). The SQLite ledger is what makes it durable.
 */
import type { TrailgraphError } from '../../core/errors.ts';
import type { RawEvent } from '../ingest/ingest.ts';
import type { PublishOutcome, Publisher } from './publisher.ts';

/** What the publisher needs of the ingestor (src/app/ingest/ingest.ts). */
export interface IngestPort {
  ingest(
    raws: readonly RawEvent[],
    options?: { checkpoint?: { name: string; position: number }; receivedAtMs?: number },
  ): Promise<
    readonly {
      readonly status: 'applied' | 'duplicate' | 'rejected';
      readonly eventId?: string;
      readonly seq?: number;
      readonly error?: TrailgraphError;
      readonly deadLetterId?: string;
    }[]
  >;
}

export interface EmbeddedPublisherOptions {
  readonly ingestor: IngestPort;
  /** Called on close (e.g. nothing; the runtime closes the store itself). */
  readonly onClose?: () => Promise<void>;
}

function eventIdOf(raw: RawEvent): string | undefined {
  let p: unknown = raw.payload;
  if (typeof p === 'string') {
    try {
      p = JSON.parse(p);
    } catch {
      return undefined;
    }
  }
  const id = p && typeof p === 'object' ? (p as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : undefined;
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

function toOutcome(raw: RawEvent, r: Awaited<ReturnType<IngestPort['ingest']>>[number] | undefined): PublishOutcome {
  if (!r) return { status: 'rejected' };
  const eventId = r.eventId ?? eventIdOf(raw);
  return {
    status: r.status,
    ...(eventId !== undefined && { eventId }),
    ...(r.seq !== undefined && { seq: r.seq }),
    ...(r.error !== undefined && { error: r.error }),
    ...(r.deadLetterId !== undefined && { deadLetterId: r.deadLetterId }),
  };
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
          w.resolve(w.raws.map((raw, i) => toOutcome(raw, results[at + i])));
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
