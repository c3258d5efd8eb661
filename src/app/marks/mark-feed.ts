/**
 * The in-process mark feed: one hub per replica. Live marks (from this store's commits, or from every replica
 * over NATS) are put back into seq order; a hole in the seqs is filled from the shared store's ledger, so every
 * subscriber sees every seq exactly once and in order. Subscribers: src/app/marks/mark-subscription.ts.
 */
import { toChangeMark, type ChangeMark } from '../../core/marks/change-mark.ts';
import { compileMarkFilter, type MarkWhere } from '../../core/marks/filter.ts';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import type { GraphStore } from '../../ports/graph-store.ts';
import type { LiveMarkSource, MarkFeed, MarkFeedStats, MarkSubscription, SubscribeOptions } from '../../ports/mark-feed.ts';
import { createStoreMarkSource } from './store-mark-source.ts';
import { Subscription, type SubscriptionHub } from './mark-subscription.ts';

export interface MarkFeedOptions {
  readonly store: GraphStore;
  /** The ontology filters are compiled against (a function when migrations can swap it). */
  readonly ontology: CompiledOntology | (() => CompiledOntology);
  /** Live marks; default: this store's commits in this process. */
  readonly source?: LiveMarkSource;
  /** Per-subscriber queue bound. */
  readonly queueLimit?: number;
  /** Ledger page size for replay and gap fills. */
  readonly pageSize?: number;
  /**
   * Also look at the store's head every `pollMs` and fetch what no live source reported (other replicas'
   * commits when there is no NATS fan-out). 0 = off.
   */
  readonly pollMs?: number;
  /** Errors of background gap fills (they are retried). */
  readonly onError?: (err: unknown) => void;
  /** Called for every mark handed to a subscriber (once per subscriber). */
  readonly onDelivered?: (mark: ChangeMark) => void;
}

/** Starts a feed at the store's current head. */
export async function createMarkFeed(options: MarkFeedOptions): Promise<MarkFeed> {
  const { store, queueLimit = 1000, pageSize = 500, pollMs = 0 } = options;
  const ontology = typeof options.ontology === 'function' ? options.ontology : () => options.ontology as CompiledOntology;
  const onError = options.onError ?? ((err: unknown) => console.error('trailgraph: mark feed:', err));
  const source = options.source ?? createStoreMarkSource(store);

  const subs = new Set<Subscription>();
  const pending = new Map<number, ChangeMark>();
  let filling = false;
  let refill = false;
  let closed = false;
  let slowSubscribersCut = 0;
  let gapFills = 0;

  const hub: SubscriptionHub & { head: number } = {
    head: await store.headSeq(),
    attach: (s) => void subs.add(s),
    detach: (s) => void subs.delete(s),
    cut: () => void slowSubscribersCut++,
    ...(options.onDelivered && { delivered: options.onDelivered }),
  };

  const dispatch = (mark: ChangeMark): void => {
    hub.head = mark.seq;
    for (const s of subs) s.push(mark);
  };

  const drain = (): void => {
    for (let m = pending.get(hub.head + 1); m; m = pending.get(hub.head + 1)) {
      pending.delete(m.seq);
      dispatch(m);
    }
    if (pending.size > 0) void fill();
  };

  /** A hole the shared store never filled (a misconfigured replica with its own store): say so, move on. */
  const skipMissing = (): void => {
    const next = Math.min(...pending.keys());
    onError(new Error(`marks ${hub.head + 1}..${next - 1} never reached this store; skipping them`));
    hub.head = next - 1;
    drain();
  };

  /** Reads the ledger after the head until caught up: fills holes and picks up commits nobody reported. */
  const fill = async (): Promise<void> => {
    if (filling) {
      refill = true;
      return;
    }
    filling = true;
    let waits = 0;
    try {
      do {
        refill = false;
        for (;;) {
          const entries = await store.ledger(hub.head, pageSize);
          if (closed) return;
          for (const e of entries) {
            if (e.seq !== hub.head + 1) continue;
            pending.delete(e.seq);
            dispatch(toChangeMark(e));
          }
          gapFills++;
          drain();
          if (entries.length < pageSize) break;
        }
        // Marks the store does not have yet (another replica's commit seen over NATS before our read): retry soon.
        if (pending.size > 0 && !refill) {
          if (++waits > 400) skipMissing();
          else await new Promise((r) => setTimeout(r, 5).unref());
        }
      } while ((refill || pending.size > 0) && !closed);
    } catch (err) {
      onError(err);
      if (!closed) setTimeout(() => void fill(), 200).unref();
    } finally {
      filling = false;
    }
  };

  const unlisten = source.listen((marks) => {
    for (const m of marks) if (m.seq > hub.head) pending.set(m.seq, m);
    drain();
  });

  const poll =
    pollMs > 0
      ? setInterval(() => {
          if (filling) return;
          store.headSeq().then((h) => (h > hub.head ? fill() : undefined), onError);
        }, pollMs)
      : undefined;
  poll?.unref();

  return {
    subscribe(where: MarkWhere, opts: SubscribeOptions = {}): MarkSubscription {
      if (closed) throw new Error('mark feed is closed');
      const matches = compileMarkFilter(where, ontology());
      const sub = new Subscription(hub, store, matches, {
        ...(opts.after === undefined ? {} : { after: opts.after }),
        queueLimit: opts.queueLimit ?? queueLimit,
        pageSize,
      });
      const signal = opts.signal;
      if (signal) {
        if (signal.aborted) void sub.return();
        else signal.addEventListener('abort', () => void sub.return(), { once: true });
      }
      return sub;
    },
    stats(): MarkFeedStats {
      let queued = 0;
      for (const s of subs) queued += s.queued;
      return { subscribers: subs.size, headSeq: hub.head, queued, slowSubscribersCut, gapFills };
    },
    async close() {
      closed = true;
      if (poll) clearInterval(poll);
      unlisten();
      for (const s of [...subs]) await s.return();
      await source.close();
    },
  };
}
