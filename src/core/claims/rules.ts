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

/**
 * A write protected by a claim: the event names the claim's purpose and the fencing token its writer was granted
 * (CloudEvents extension attributes `claimpurpose` and `claimtoken`); the claimed node is the event's subject.
 */
export interface Fence {
  /** The claimed node's id (the event subject's id). */
  readonly on: string;
  readonly purpose: string;
  readonly token: number;
}

/**
 * Fencing (Kleppmann's rule): the store applies a fenced write only if no newer token has been granted for its
 * (node, purpose) since. A writer whose lease ran out while it worked (a pause, a slow store) is refused as soon as
 * another agent has taken the claim over — even though it may still believe it holds it — so the work the claim
 * protects is done by one agent. Its own token still counts after its lease ran out or was released while nobody
 * else was granted one: no one else could act in between. A token larger than any granted cannot come from
 * this store's claims — unless none was ever granted here (a graph rebuilt from the event history keeps no
 * claims), which is why `lastToken` 0 lets any fenced write through.
 * @returns undefined when the write may apply, else why not (for the dead letter)
 */
export function fenceRefusal(fence: Fence, lastToken: number): string | undefined {
  if (lastToken === 0 || fence.token === lastToken) return undefined;
  if (fence.token < lastToken) {
    return `stale claim token ${fence.token} for "${fence.purpose}" on ${fence.on}: token ${lastToken} was granted since (the lease ran out and another agent took the claim over); claim again and re-read before writing`;
  }
  return `claim token ${fence.token} for "${fence.purpose}" on ${fence.on} was never granted (the last one is ${lastToken})`;
}
