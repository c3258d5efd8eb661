/**
 * Whether the store can still be written. Reads keep working on a full disk, so a readiness check that only reads
 * says "ready" while every event is refused; this watches the store's writes instead and remembers the last one
 * that failed for lack of space until a write succeeds again.
 */
import type { GraphStore } from '../ports/graph-store.ts';

/** The GraphStore methods that write. */
const WRITES: ReadonlySet<PropertyKey> = new Set([
  'applyBatch', 'setMeta', 'leaveMark', 'reinforceMark', 'removeMark', 'sweepMarks', 'claim', 'renewClaim', 'releaseClaim', 'sweepClaims',
]);

/**
 * The writes whose success shows the disk takes data again: an event batch, or the small probe write `check()`
 * makes. A sweep that finds nothing to evaporate or expire, or a mark call, can succeed on a full disk without
 * writing a page, and would otherwise clear the flag every half second while events are still refused.
 */
const CLEARS: ReadonlySet<PropertyKey> = new Set(['applyBatch', 'setMeta']);

/** SQLite's and the OS's ways of saying the disk is full (Neo4j passes the JVM's IOException message on). */
export function isStorageFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'SQLITE_IOERR_SHMSIZE' || code === 'SQLITE_IOERR_WRITE') return true;
  const message = err instanceof Error ? err.message : String(err);
  return /database or disk is full|no space left on device|ENOSPC/i.test(message);
}

export interface WriteHealth {
  /** The store, its writes watched. */
  readonly store: GraphStore;
  /**
   * Resolves when the store can be written; rejects with "disk full …" while the last write failed for lack of
   * space (after trying one small write, so freeing space makes the service ready again without traffic).
   */
  check(): Promise<void>;
}

/** Watches `store`'s writes; `where` names the storage in messages (a file path or a Neo4j URI). */
export function watchWrites(store: GraphStore, where: string): WriteHealth {
  let full: { since: string; cause: string } | undefined;
  const watched = new Map<PropertyKey, unknown>();
  for (const name of WRITES) {
    const method = (store as unknown as Record<PropertyKey, unknown>)[name];
    if (typeof method !== 'function') continue;
    const bound = (method as (...args: unknown[]) => Promise<unknown>).bind(store);
    watched.set(name, async (...args: unknown[]) => {
      try {
        const result = await bound(...args);
        if (CLEARS.has(name)) full = undefined;
        return result;
      } catch (err) {
        if (isStorageFull(err)) full ??= { since: new Date().toISOString(), cause: err instanceof Error ? err.message : String(err) };
        throw err;
      }
    });
  }
  const proxy = new Proxy(store, {
    get: (target, prop) => (watched.has(prop) ? watched.get(prop) : (Reflect.get(target, prop) as unknown)),
  });
  return {
    store: proxy,
    async check() {
      await store.headSeq();
      if (!full) return;
      const { since, cause } = full;
      try {
        await proxy.setMeta('health.lastWriteProbe', new Date().toISOString());
      } catch {
        throw new Error(`disk full: ${where} cannot be written since ${since} (${cause}); free space on its disk — writes resume on their own`);
      }
    },
  };
}
