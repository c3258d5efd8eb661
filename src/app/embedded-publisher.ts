/**
 * Embedded mode's publisher: no bus, the ingestor applies each batch synchronously (validate → plan → one store
 * transaction; invalid events to dead letters). The SQLite ledger is what makes it durable.
 */
import type { TrailgraphError } from '../core/errors.ts';
import type { RawEvent } from './ingest.ts';
import type { PublishOutcome, Publisher } from './publisher.ts';

/** What the publisher needs of the ingestor (src/app/ingest.ts). */
export interface IngestPort {
  ingest(
    raws: readonly RawEvent[],
    options?: { checkpoint?: { name: string; position: number } },
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

export function createEmbeddedPublisher({ ingestor, onClose }: EmbeddedPublisherOptions): Publisher {
  // One batch at a time: keeps publish order = apply order when several requests arrive together.
  let tail: Promise<unknown> = Promise.resolve();
  let closed = false;
  return {
    publish(raws) {
      if (closed) return Promise.reject(new Error('publisher is closed'));
      const run = tail.then(async () => {
        const results = await ingestor.ingest(raws);
        return raws.map((raw, i): PublishOutcome => {
          const r = results[i];
          if (!r) return { status: 'rejected' };
          const eventId = r.eventId ?? eventIdOf(raw);
          return {
            status: r.status,
            ...(eventId !== undefined && { eventId }),
            ...(r.seq !== undefined && { seq: r.seq }),
            ...(r.error !== undefined && { error: r.error }),
            ...(r.deadLetterId !== undefined && { deadLetterId: r.deadLetterId }),
          };
        });
      });
      tail = run.catch(() => undefined);
      return run;
    },
    async close() {
      closed = true;
      await tail;
      await onClose?.();
    },
  };
}
