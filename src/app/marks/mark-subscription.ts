/**
 * One mark subscriber: replays missed marks from the ledger page by page, then attaches to the live hub in the
 * same tick it has caught up with it — so nothing falls between the two (no gap) and seqs at or below its cursor
 * are dropped (no duplicate). Live marks wait in a bounded queue; overflowing it ends the subscription with
 * SlowSubscriberError instead of growing memory.
 */
import { SlowSubscriberError } from '../../core/errors.ts';
import { toChangeMark, type ChangeMark } from '../../core/marks/change-mark.ts';
import type { MarkPredicate } from '../../core/marks/filter.ts';
import type { GraphStore } from '../../ports/graph-store.ts';
import type { MarkSubscription } from '../../ports/mark-feed.ts';

/** What a subscription needs from its hub. */
export interface SubscriptionHub {
  /** The highest seq the hub has dispatched (all lower seqs were dispatched before). */
  readonly head: number;
  attach(sub: Subscription): void;
  detach(sub: Subscription): void;
  /** Reports a subscriber cut off for falling behind. */
  cut(): void;
  /** Told of every mark handed to a subscriber (time-to-consistency metrics). */
  readonly delivered?: (mark: ChangeMark) => void;
}

export interface SubscriptionOptions {
  readonly after?: number;
  readonly queueLimit: number;
  readonly pageSize: number;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

export class Subscription implements MarkSubscription {
  #state: 'catching-up' | 'live' | 'done';
  /** Highest seq this subscriber has looked at (delivered, queued or filtered out). */
  #cursor: number;
  #delivered: number;
  #queue: ChangeMark[] = [];
  #replay: ChangeMark[] = [];
  #waiter: ((r: IteratorResult<ChangeMark>) => void) | undefined;
  #error: Error | undefined;

  constructor(
    private readonly hub: SubscriptionHub,
    private readonly store: GraphStore,
    private readonly matches: MarkPredicate,
    private readonly options: SubscriptionOptions,
  ) {
    const start = options.after ?? hub.head;
    this.#cursor = start;
    this.#delivered = start;
    if (options.after === undefined) {
      this.#state = 'live';
      hub.attach(this);
    } else {
      this.#state = 'catching-up';
    }
  }

  get resumeAfterSeq(): number {
    return this.#delivered;
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** Called by the hub for every dispatched mark, in seq order. */
  push(mark: ChangeMark): void {
    if (this.#state !== 'live' || mark.seq <= this.#cursor) return;
    this.#cursor = mark.seq;
    if (!this.matches(mark)) return;
    if (this.#waiter) {
      const resolve = this.#waiter;
      this.#waiter = undefined;
      this.#delivered = mark.seq;
      this.hub.delivered?.(mark);
      resolve({ done: false, value: mark });
      return;
    }
    this.#queue.push(mark);
    if (this.#queue.length > this.options.queueLimit) {
      this.#error = new SlowSubscriberError(this.#delivered, this.options.queueLimit);
      this.#queue = [];
      this.hub.cut();
      this.#end();
    }
  }

  async next(): Promise<IteratorResult<ChangeMark>> {
    while (this.#state === 'catching-up') {
      const m = this.#replay.shift();
      if (m) return this.#deliver(m);
      if (this.#cursor >= this.hub.head) {
        this.#goLive();
        break;
      }
      const entries = await this.store.ledger(this.#cursor, this.options.pageSize);
      if (this.#state !== 'catching-up') break;
      if (entries.length === 0) {
        // The hub is ahead of what this store shows (should not happen with a shared store): go live, never stall.
        this.#goLive();
        break;
      }
      for (const e of entries) {
        if (e.seq <= this.#cursor) continue;
        this.#cursor = e.seq;
        const mark = toChangeMark(e);
        if (this.matches(mark)) this.#replay.push(mark);
      }
    }
    const queued = this.#queue.shift();
    if (queued) return this.#deliver(queued);
    if (this.#error) {
      const err = this.#error;
      this.#error = undefined;
      throw err;
    }
    if (this.#state === 'done') return DONE;
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  return(): Promise<IteratorResult<ChangeMark>> {
    this.#queue = [];
    this.#replay = [];
    this.#end();
    return Promise.resolve(DONE);
  }

  throw(err?: unknown): Promise<IteratorResult<ChangeMark>> {
    void this.return();
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #deliver(mark: ChangeMark): IteratorResult<ChangeMark> {
    this.#delivered = mark.seq;
    this.hub.delivered?.(mark);
    return { done: false, value: mark };
  }

  #goLive(): void {
    this.#state = 'live';
    this.hub.attach(this);
  }

  #end(): void {
    if (this.#state === 'done') return;
    this.#state = 'done';
    this.hub.detach(this);
    const waiter = this.#waiter;
    this.#waiter = undefined;
    // A waiting consumer has an empty queue, so it was never the one cut off: it just ends.
    if (waiter) waiter(DONE);
  }
}
