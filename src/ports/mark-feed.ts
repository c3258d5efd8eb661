/**
 * The mark feed port: push delivery of change marks to subscribers (DESIGN.md "Marks").
 * Implementations: the in-process hub (src/app/marks/mark-feed.ts) fed by the store's commits, optionally fanned out
 * across replicas over NATS (src/adapters/nats/mark-fanout.ts).
 *
 * Guarantees:
 * - Marks arrive in seq order, each at most once per subscription.
 * - `after: seq` first replays the missed marks from the ledger, then continues live with no gap and no duplicate.
 * - A subscriber that falls more than its queue limit behind is ended with SlowSubscriberError (its
 *   `resumeAfterSeq` is the `after` to resubscribe with); memory stays bounded.
 */
import type { ChangeMark } from '../core/marks/change-mark.ts';
import type { MarkWhere } from '../core/marks/filter.ts';

export interface SubscribeOptions {
  /** Resume: deliver every matching mark with seq > after (from the ledger first). Omitted: live marks only. */
  readonly after?: number;
  /** Ends the subscription (the iterator returns). */
  readonly signal?: AbortSignal;
  /** Per-subscriber queue bound; defaults to the feed's. */
  readonly queueLimit?: number;
}

/** One subscription: an async iterator of marks. `return()` (or `break` in for-await) unsubscribes. */
export interface MarkSubscription extends AsyncIterableIterator<ChangeMark> {
  /** The seq to resume after: the last mark delivered, or the start point when nothing was delivered yet. */
  readonly resumeAfterSeq: number;
  /** Marks queued and not yet taken (bounded by the queue limit). */
  readonly queued: number;
  /** Unsubscribes; a pending `next()` resolves done. */
  return(): Promise<IteratorResult<ChangeMark>>;
}

/** Where live marks come from: this replica's commits, or every replica's via NATS. */
export interface LiveMarkSource {
  /** Registers a listener for marks as they are committed (any order, possibly repeated). Returns unlisten. */
  listen(listener: (marks: readonly ChangeMark[]) => void): () => void;
  close(): Promise<void>;
}

/** Counters for health checks and tests. */
export interface MarkFeedStats {
  readonly subscribers: number;
  /** The highest seq dispatched to live subscribers. */
  readonly headSeq: number;
  /** Marks queued across all subscribers. */
  readonly queued: number;
  /** Subscribers cut off for falling behind, since start. */
  readonly slowSubscribersCut: number;
  /** Gaps filled from the store, since start. */
  readonly gapFills: number;
}

export interface MarkFeed {
  /** Subscribes. Throws UnknownClassFilterError for a class the ontology lacks. */
  subscribe(where: MarkWhere, options?: SubscribeOptions): MarkSubscription;
  stats(): MarkFeedStats;
  /** Ends every subscription and stops listening. */
  close(): Promise<void>;
}
