/**
 * The publish path every edge uses (HTTP `POST /events`, GraphQL `publishEvent`, the CLI, the client).
 * Embedded mode applies directly through the ingestor; NATS mode validates, forwards to JetStream and, when asked,
 * waits until the projector has committed the event.
 */
import type { TrailgraphError } from '../../core/errors.ts';
import type { RawEvent } from '../ingest/ingest.ts';

/** What happened to one published event. */
export interface PublishOutcome {
  readonly eventId?: string;
  /**
   * `applied`: committed now with `seq`; `duplicate`: committed before, `seq` is the original;
   * `accepted`: on the bus, not yet projected (no wait asked, or not yet seen); `rejected`: invalid or a reused
   * key (see `error`; in dead letters as `deadLetterId` when the publisher filed it — on the bus a reused key is
   * filed by the projector when it reaches it, so the outcome carries no letter id).
   */
  readonly status: 'applied' | 'duplicate' | 'accepted' | 'rejected';
  readonly seq?: number;
  readonly error?: TrailgraphError;
  readonly deadLetterId?: string;
}

export interface PublishOptions {
  /** Wait up to this long for the event to be projected (bus mode). Embedded mode always applies synchronously. */
  readonly waitMs?: number;
}

/** Publishes raw CloudEvents. Order of outcomes = order of inputs. */
export interface Publisher {
  publish(raws: readonly RawEvent[], options?: PublishOptions): Promise<PublishOutcome[]>;
  close(): Promise<void>;
}
