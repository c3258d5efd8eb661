/**
 * The sweeper: evaporates signal marks and frees expired claims every ~500 ms. Each evaporation / expiry is a
 * ledger row in the store, so it reaches subscribers as a change mark like any other change. Several replicas
 * may sweep the same store: the store's sweeps are transactional, so an item expires exactly once.
 */
import type { GraphStore } from '../../ports/graph-store.ts';

export interface SweeperOptions {
  readonly store: GraphStore;
  readonly intervalMs?: number;
  /** Sweep failures (retried at the next tick). */
  readonly onError?: (err: unknown) => void;
}

export interface Sweeper {
  /** Sweeps once now; resolves with how many marks evaporated and claims expired. */
  sweepNow(): Promise<{ readonly marks: number; readonly claims: number }>;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

export function startSweeper({ store, intervalMs = 500, onError = (err) => console.error('trailgraph: sweeper:', err) }: SweeperOptions): Sweeper {
  let stopped = false;
  let running: Promise<{ marks: number; claims: number }> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const sweepNow = (): Promise<{ marks: number; claims: number }> => {
    running ??= (async () => {
      try {
        const now = Date.now();
        const marks = await store.sweepMarks(now);
        const claims = await store.sweepClaims(now);
        return { marks, claims };
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  // A chain of timeouts, not an interval: a slow sweep never overlaps the next one.
  const tick = (): void => {
    timer = setTimeout(() => {
      sweepNow().then(
        () => undefined,
        (err: unknown) => onError(err),
      ).finally(() => {
        if (!stopped) tick();
      });
    }, intervalMs);
    timer.unref();
  };
  tick();

  return {
    sweepNow,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
