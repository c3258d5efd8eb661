/**
 * The signal-mark rulebook every store follows (DESIGN.md "Marks"). Strength decays exponentially,
 * `s(t) = s0 · 0.5^((t − reinforcedAt) / halfLife)`; a mark evaporates when it falls below EVAPORATION_THRESHOLD or
 * its hard TTL (counted from the last reinforcement) runs out, whichever comes first. Reinforcing restarts both
 * clocks; the strength never exceeds max(1, first strength): marks are concentrations and saturate. Pure.
 * Stores keep (strength, halfLifeMs, ttlMs, reinforcedAt, expiresAt) and translate these formulas into their query
 * language only where a query must filter on them (SQL STRENGTH_SQL, Cypher STRENGTH_EXPR).
 */

/** Marks weaker than this have evaporated. */
export const EVAPORATION_THRESHOLD = 0.01;

/** What a store keeps of a mark to compute its strength; times in epoch ms. */
export interface MarkClock {
  /** Strength at the last reinforcement. */
  readonly strength: number;
  readonly halfLifeMs: number | undefined;
  readonly reinforcedAt: number;
  readonly expiresAt: number;
}

/** The strength at `now`: decayed since the last reinforcement, and 0 once the mark has expired. */
export function strengthAt(m: MarkClock, now: number): number {
  if (now >= m.expiresAt) return 0;
  if (m.halfLifeMs === undefined) return m.strength;
  return m.strength * 0.5 ** (Math.max(0, now - m.reinforcedAt) / m.halfLifeMs);
}

/**
 * When a mark of `strength` (re)inforced at `at` evaporates, in whole epoch milliseconds: the earlier of `at + ttlMs`
 * and the moment its decay crosses EVAPORATION_THRESHOLD, rounded up (`at + ceil(h · log2(s / threshold))`) so
 * every store stores the same integer and a sweep at that millisecond finds it.
 * @throws RangeError when neither a half-life nor a TTL is given (it would never evaporate)
 */
export function markExpiry(strength: number, halfLifeMs: number | undefined, ttlMs: number | undefined, at: number): number {
  if (halfLifeMs === undefined && ttlMs === undefined) throw new RangeError('a mark needs halfLifeMs or ttlMs (or both), or it would never evaporate');
  let t = Number.POSITIVE_INFINITY;
  if (halfLifeMs !== undefined) t = strength <= EVAPORATION_THRESHOLD ? at : at + Math.ceil(halfLifeMs * Math.log2(strength / EVAPORATION_THRESHOLD));
  if (ttlMs !== undefined) t = Math.min(t, at + ttlMs);
  return t;
}

/**
 * The strength a reinforcement sets: by default back to the first strength (never below the current one), else
 * current + by; capped at max(1, first strength).
 */
export function reinforcedStrength(current: number, first: number, by: number | undefined): number {
  const cap = Math.max(1, first);
  return Math.min(cap, by === undefined ? Math.max(first, current) : current + by);
}

/** Sweep order: oldest expiry first, then mark id (code-point order), so every store writes evaporations in one order. */
export function markSweepOrder(a: { readonly expiresAt: number; readonly id: string }, b: { readonly expiresAt: number; readonly id: string }): number {
  return a.expiresAt - b.expiresAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
