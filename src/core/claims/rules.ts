/**
 * The claim rulebook every store follows: compare-and-set leases with fencing tokens (DESIGN.md "Claims"). A store
 * reads the claim's current state inside its serialised write transaction, asks these rules what to do, and
 * writes the outcome. Pure.
 *
 * - A claim is granted when nobody holds it or the holder's lease ran out (expiresAt <= now); a claim by an agent
 *   that already holds it is refused like any other (renew to extend).
 * - Taking over a lease that ran out but was not swept records its expiry first, as the sweeper would.
 * - Fencing tokens strictly increase per (node, purpose) across releases and expiries: the last token outlives
 *   the claim.
 * - Renew and release need the current holder's agent and token; a lease that ran out but was neither taken over
 *   nor swept may still be renewed or released (nobody else got a token in between, so fencing stays sound).
 */

/** What a store knows of a (node, purpose) claim; times in epoch ms. */
export interface HeldClaim {
  readonly agent: string;
  readonly token: number;
  readonly grantedAt: number;
  readonly expiresAt: number;
}

/** A lease is live until its expiry (exclusive). */
export function isLive(expiresAt: number, now: number): boolean {
  return expiresAt > now;
}

export type ClaimDecision =
  | { readonly granted: false; readonly holder: HeldClaim }
  | { readonly granted: true; readonly claim: HeldClaim; readonly expired?: HeldClaim };

/**
 * Decides a claim by `agent` for `ttlMs` at `now`, given the current holder (undefined when free or released) and
 * the last token ever issued for this (node, purpose) (0 when none).
 */
export function decideClaim(held: HeldClaim | undefined, lastToken: number, agent: string, ttlMs: number, now: number): ClaimDecision {
  if (held && isLive(held.expiresAt, now)) return { granted: false, holder: held };
  const claim = { agent, token: Math.max(lastToken, held?.token ?? 0) + 1, grantedAt: now, expiresAt: now + ttlMs };
  return held ? { granted: true, claim, expired: held } : { granted: true, claim };
}

/** True when `agent` with `token` is the current holder and may renew or release. */
export function isHolder(held: HeldClaim | undefined, agent: string, token: number): boolean {
  return held !== undefined && held.agent === agent && held.token === token;
}

/** The renewed lease: the same grant, a new expiry. */
export function renewed(held: HeldClaim, ttlMs: number, now: number): HeldClaim {
  return { ...held, expiresAt: now + ttlMs };
}

/** Sweep order: oldest expiry first, then node id, then purpose (so every store writes expiries in one order). */
export function sweepOrder(a: { expiresAt: number; on: string; purpose: string }, b: { expiresAt: number; on: string; purpose: string }): number {
  return a.expiresAt - b.expiresAt || cmp(a.on, b.on) || cmp(a.purpose, b.purpose);
}

const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
