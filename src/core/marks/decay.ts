/**
 * Evaporation arithmetic for signal marks: exponential decay over a half-life, plus an optional hard TTL.
 * Shared by stores (what to sweep) and the API (what strength to show). Pure.
 */
import { EVAPORATION_THRESHOLD } from '../../ports/graph-store.ts';

/** Strength after `elapsedMs` when it halves every `halfLifeMs` (no half-life: no decay). */
export function decayedStrength(initial: number, elapsedMs: number, halfLifeMs?: number): number {
  if (halfLifeMs === undefined || halfLifeMs <= 0 || elapsedMs <= 0) return initial;
  return initial * Math.pow(0.5, elapsedMs / halfLifeMs);
}

/**
 * When a mark left with `initial` strength at `since` (epoch ms) evaporates: the earlier of the moment its decayed
 * strength falls below `threshold` and `since + ttlMs`. Infinity when it never does.
 */
export function evaporatesAt(
  initial: number,
  since: number,
  options: { halfLifeMs?: number; ttlMs?: number; threshold?: number },
): number {
  const threshold = options.threshold ?? EVAPORATION_THRESHOLD;
  let at = options.ttlMs === undefined ? Infinity : since + options.ttlMs;
  const h = options.halfLifeMs;
  if (h !== undefined && h > 0) {
    // initial * 0.5^(t/h) = threshold  ⇔  t = h * log2(initial / threshold)
    const t = initial <= threshold ? 0 : h * Math.log2(initial / threshold);
    at = Math.min(at, since + t);
  }
  return at;
}
