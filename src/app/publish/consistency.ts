/**
 * Read-your-writes: wait (bounded) until the graph has applied a ledger seq. Commits in this process wake the
 * waiter at once through `store.onCommit`; a periodic `headSeq` poll catches commits made by other processes
 * (another replica's projector, a `trailgraph publish` run against the same SQLite file).
 */
import { ConsistencyTimeoutError } from '../../core/errors.ts';
import type { GraphStore } from '../../ports/graph-store.ts';

export interface WaitForSeqOptions {
  /** How often to poll headSeq for commits made elsewhere. */
  readonly pollMs?: number;
}

/** Resolves with the head seq once it is ≥ `seq`; rejects with ConsistencyTimeoutError after `timeoutMs`. */
export async function waitForSeq(store: GraphStore, seq: number, timeoutMs: number, { pollMs = 25 }: WaitForSeqOptions = {}): Promise<number> {
  const head = await store.headSeq();
  if (head >= seq) return head;
  if (timeoutMs <= 0) throw new ConsistencyTimeoutError(seq, head, 0);
  return new Promise<number>((resolve, reject) => {
    let last = head;
    let settled = false;
    let polling = false;
    const finish = (err: Error | undefined, value = last): void => {
      if (settled) return;
      settled = true;
      unsubscribe();
      clearInterval(poll);
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(value);
    };
    const unsubscribe = store.onCommit((entries) => {
      for (const e of entries) last = Math.max(last, e.seq);
      if (last >= seq) finish(undefined, last);
    });
    const poll = setInterval(() => {
      if (polling) return;
      polling = true;
      store.headSeq().then(
        (h) => {
          polling = false;
          last = Math.max(last, h);
          if (last >= seq) finish(undefined, last);
        },
        (err: unknown) => {
          polling = false;
          finish(err instanceof Error ? err : new Error(String(err)));
        },
      );
    }, pollMs);
    const timer = setTimeout(() => finish(new ConsistencyTimeoutError(seq, last, timeoutMs)), timeoutMs);
  });
}
