/**
 * Waiting for a commit — the one way the publish path and read-your-writes reads wait: commits in this process
 * wake the waiter at once through `store.onCommit`; a periodic look at the store catches commits made by other
 * processes (another replica's projector, a `trailgraph publish` run against the same SQLite file).
 */
import { ConsistencyTimeoutError } from '../../core/errors.ts';
import type { GraphStore, LedgerEntry } from '../../ports/graph-store.ts';

/** What a waiter waits for, seen two ways: in this process's commits, or by asking the store. */
export interface CommitAwaited<T> {
  /** The awaited value if these just-committed entries bring it. */
  seen(entries: readonly LedgerEntry[]): T | undefined;
  /** The awaited value if the store already has it. */
  check(): Promise<T | undefined>;
}

/**
 * Resolves with the awaited value as soon as a commit brings it (or the store has it already), or with undefined
 * after `timeoutMs`. Rejects when asking the store fails.
 */
export async function waitForCommit<T>(store: Pick<GraphStore, 'onCommit'>, awaited: CommitAwaited<T>, timeoutMs: number, pollMs: number): Promise<T | undefined> {
  const already = await awaited.check();
  if (already !== undefined || timeoutMs <= 0) return already;
  return new Promise<T | undefined>((resolve, reject) => {
    let settled = false;
    let checking = false;
    const finish = (err: Error | undefined, value?: T): void => {
      if (settled) return;
      settled = true;
      unsubscribe();
      clearInterval(poll);
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(value);
    };
    const unsubscribe = store.onCommit((entries) => {
      const value = awaited.seen(entries);
      if (value !== undefined) finish(undefined, value);
    });
    const poll = setInterval(() => {
      if (checking) return;
      checking = true;
      awaited.check().then(
        (value) => {
          checking = false;
          if (value !== undefined) finish(undefined, value);
        },
        (err: unknown) => {
          checking = false;
          finish(err instanceof Error ? err : new Error(String(err)));
        },
      );
    }, pollMs);
    const timer = setTimeout(() => finish(undefined, undefined), timeoutMs);
  });
}

export interface WaitForSeqOptions {
  /** How often to poll headSeq for commits made elsewhere. */
  readonly pollMs?: number;
}

/** Resolves with the head seq once it is ≥ `seq`; rejects with ConsistencyTimeoutError after `timeoutMs`. */
export async function waitForSeq(store: GraphStore, seq: number, timeoutMs: number, { pollMs = 25 }: WaitForSeqOptions = {}): Promise<number> {
  let last = 0;
  const reached = (head: number): number | undefined => {
    last = Math.max(last, head);
    return last >= seq ? last : undefined;
  };
  const head = await waitForCommit(store, {
    seen: (entries) => reached(entries.reduce((max, e) => Math.max(max, e.seq), 0)),
    check: async () => reached(await store.headSeq()),
  }, timeoutMs, pollMs);
  if (head === undefined) throw new ConsistencyTimeoutError(seq, last, Math.max(0, timeoutMs));
  return head;
}

/** The ledger entry of the event with idempotency key (`source`, `eventId`) once committed; undefined after `timeoutMs`. */
export function waitForEvent(store: Pick<GraphStore, 'onCommit' | 'findEvent'>, key: { readonly eventId: string; readonly source: string }, timeoutMs: number, pollMs = 100): Promise<LedgerEntry | undefined> {
  return waitForCommit(store, {
    seen: (entries) => entries.find((e) => e.eventId === key.eventId && e.source === key.source),
    check: () => store.findEvent(key.eventId, undefined, key.source),
  }, timeoutMs, pollMs);
}
