/**
 * Claims: one (:TrailgraphClaim {on, purpose}) per (node, purpose), unique by constraint, kept across releases so
 * the last fencing `token` outlives every lease. Writes run after the head lock; each locks the claim node
 * (SET c._lock) before reading it, and the adapter decides with core's claim rules between that read and the write.
 */
import type { Statement } from './statement.ts';

const CLAIM_FIELDS = 'c.agent AS agent, c.token AS token, c.expiresAt AS expiresAt, c.grantedAt AS grantedAt';

/** Locks and reads the claim on an existing node, creating its token keeper (token 0) on first use; no row when the node does not exist. */
export function lockClaim(on: string, purpose: string): Statement {
  return {
    cypher:
      'MATCH (n:TrailgraphNode {id: $on}) MERGE (c:TrailgraphClaim {on: $on, purpose: $purpose}) ON CREATE SET c.token = 0 ' +
      `SET c._lock = true RETURN n._class AS onClass, ${CLAIM_FIELDS}`,
    params: { on, purpose },
  };
}

/** Locks and reads a claim that was made before (renew / release); no row when there never was one. */
export function lockExistingClaim(on: string, purpose: string): Statement {
  return {
    cypher:
      'MATCH (c:TrailgraphClaim {on: $on, purpose: $purpose}) SET c._lock = true ' +
      `WITH c OPTIONAL MATCH (n:TrailgraphNode {id: c.on}) RETURN n._class AS onClass, ${CLAIM_FIELDS}`,
    params: { on, purpose },
  };
}

/** Writes a lease on a locked claim (a grant: new holder, token and times; a renewal: a new expiry). */
export function writeClaim(on: string, purpose: string, lease: { agent: string; token: number; grantedAt: number; expiresAt: number }): Statement {
  return {
    cypher: 'MATCH (c:TrailgraphClaim {on: $on, purpose: $purpose}) SET c.agent = $agent, c.token = $token, c.grantedAt = $grantedAt, c.expiresAt = $expiresAt',
    params: { on, purpose, ...lease },
  };
}

/** Frees a locked claim; the token stays on the node. */
export function freeClaim(on: string, purpose: string): Statement {
  return { cypher: 'MATCH (c:TrailgraphClaim {on: $on, purpose: $purpose}) REMOVE c.agent, c.expiresAt, c.grantedAt', params: { on, purpose } };
}

/** Locks and frees every claim whose lease ran out by `now`, returning each as it was. */
export function sweepClaims(now: number): Statement {
  return {
    cypher:
      'MATCH (c:TrailgraphClaim) WHERE c.expiresAt <= $now SET c._lock = true ' +
      'WITH c, c.on AS on, c.purpose AS purpose, c.agent AS agent, c.token AS token, c.expiresAt AS expiresAt, c.grantedAt AS grantedAt ' +
      'REMOVE c.agent, c.expiresAt, c.grantedAt ' +
      'WITH on, purpose, agent, token, expiresAt, grantedAt OPTIONAL MATCH (n:TrailgraphNode {id: on}) RETURN on, n._class AS onClass, purpose, agent, token, expiresAt, grantedAt',
    params: { now },
  };
}

/** The last fencing token granted for (node, purpose); no row when none ever was. Read under the head lock. */
export function lastToken(on: string, purpose: string): Statement {
  return { cypher: 'MATCH (c:TrailgraphClaim {on: $on, purpose: $purpose}) RETURN c.token AS token', params: { on, purpose } };
}

/** Live claims on nodes. */
export function claimsOn(ids: readonly string[], now: number): Statement {
  return {
    cypher:
      'UNWIND $ids AS nodeId MATCH (c:TrailgraphClaim {on: nodeId}) WHERE c.agent IS NOT NULL AND c.expiresAt > $now ' +
      `OPTIONAL MATCH (n:TrailgraphNode {id: nodeId}) RETURN c.on AS on, n._class AS onClass, c.purpose AS purpose, ${CLAIM_FIELDS} ORDER BY on, purpose`,
    params: { ids, now },
  };
}
