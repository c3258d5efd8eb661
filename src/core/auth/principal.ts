/**
 * Who is acting: the identity a verified bearer token names. Pure data; how a token becomes a Principal is the
 * token adapter's business (src/adapters/jose), what a Principal may do is the policy's (decide.ts).
 */

/** An authenticated agent. */
export interface Principal {
  /** The token's `sub`: the agent, e.g. `agent://intake`. Events it publishes must carry it as `source`. */
  readonly agent: string;
  /** Role names from the token's roles claim; each names a `tg:Role` of the policy. */
  readonly roles: readonly string[];
  /**
   * String-valued claims a row rule may compare against (e.g. `node`: the graph node this agent acts for).
   * Only strings are kept: a rule compares ids, never objects.
   */
  readonly attributes: Readonly<Record<string, string>>;
  /** When the token stops being valid (epoch ms); long-lived connections end then. */
  readonly expiresAt?: number;
}

/** A short, secret-free description for logs and error messages: never the token itself. */
export function describePrincipal(p: Principal): string {
  return `${p.agent} (roles: ${p.roles.length > 0 ? p.roles.join(', ') : 'none'})`;
}
