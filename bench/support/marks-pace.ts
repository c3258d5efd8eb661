/**
 * The marks benchmark's load generator loop, shared by the in-process (embedded) run and the separate publisher
 * process (NATS run). Open loop: event i is due at start + i/rate whatever happened before; on each wake-up every
 * event already due is handed over in one batch (one `publish` call), and each event keeps its own timestamp —
 * the moment it was handed over — plus its lag behind schedule, so a publisher that falls behind shows up as lag
 * instead of silently lowering the offered rate.
 */

/** Wall-clock epoch milliseconds with sub-millisecond resolution, comparable across processes on one machine. */
export const epochNow = (): number => performance.timeOrigin + performance.now();

export interface PaceOptions {
  /** Offered rate, events/s. */
  readonly rate: number;
  readonly total: number;
  /** Most events awaiting their publish outcome at once (back-pressure from the publish path). */
  readonly window: number;
  /** Publishes events `from` .. `to - 1`; resolves when their outcome is known (committed / acked). */
  readonly publish: (from: number, to: number) => Promise<void>;
  readonly onProgress?: (done: number) => void;
}

export interface PaceResult {
  /** Per event: hand-over time (epochNow). */
  readonly sent: Float64Array;
  /** Per event: hand-over → publish outcome (commit or JetStream ack), ms. */
  readonly outcomeMs: Float64Array;
  /** Per event: hand-over time minus its scheduled time, ms. */
  readonly lagMs: Float64Array;
  readonly startedAt: number;
  /** When the last outcome arrived. */
  readonly endedAt: number;
  /** Largest batch handed over in one call. */
  readonly maxBatch: number;
}

export async function pace({ rate, total, window, publish, onProgress }: PaceOptions): Promise<PaceResult> {
  const sent = new Float64Array(total);
  const outcomeMs = new Float64Array(total);
  const lagMs = new Float64Array(total);
  const startedAt = epochNow();
  const inflight = new Set<Promise<void>>();
  let inflightEvents = 0;
  let next = 0;
  let maxBatch = 0;
  while (next < total) {
    const now = epochNow();
    const dueUpTo = Math.min(total, Math.floor(((now - startedAt) * rate) / 1000) + 1, next + Math.max(1, window - inflightEvents));
    if (dueUpTo > next) {
      const from = next;
      const to = dueUpTo;
      next = to;
      maxBatch = Math.max(maxBatch, to - from);
      for (let i = from; i < to; i++) {
        sent[i] = now;
        lagMs[i] = now - (startedAt + (i * 1000) / rate);
      }
      inflightEvents += to - from;
      const p: Promise<void> = publish(from, to).then(() => {
        const t = epochNow();
        for (let i = from; i < to; i++) outcomeMs[i] = t - (sent[i] as number);
        inflightEvents -= to - from;
        inflight.delete(p);
      });
      inflight.add(p);
      onProgress?.(to);
    }
    if (inflightEvents >= window) await Promise.race(inflight);
    else {
      const wait = startedAt + (next * 1000) / rate - epochNow();
      // setTimeout(0) still yields to I/O (acks, commits); longer waits sleep until the next event is due.
      await new Promise((r) => setTimeout(r, Math.max(0, wait)));
    }
  }
  await Promise.all(inflight);
  return { sent, outcomeMs, lagMs, startedAt, endedAt: epochNow(), maxBatch };
}

/** p-th percentile of an unsorted sample (copies). */
export function percentile(xs: ArrayLike<number>, ps: readonly number[]): number[] {
  const s = Float64Array.from(xs).sort();
  return ps.map((p) => (s.length === 0 ? NaN : (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number)));
}
