/**
 * Claims: one (:TrailgraphClaim {on, purpose}) per (node, purpose), unique by constraint, kept across releases so
 * the fencing `token` only grows. Every change is a compare-and-set in ONE statement that locks the claim node
 * first (SET c._lock) and only then reads holder and expiry — never read-then-write across statements.
 */
import type { Statement } from './statement.ts';

const CLAIM_FIELDS = 'c.agent AS agent, c.token AS token, c.expiresAt AS expiresAt, c.grantedAt AS grantedAt';

/** Grants the claim when it is free or expired; otherwise leaves it and returns the holder. */
export function claim(on: string, purpose: string, agent: string, now: number, expiresAt: number): Statement {
  return {
    cypher:
      'MATCH (n:Resource {id: $on}) ' +
      'MERGE (c:TrailgraphClaim {on: $on, purpose: $purpose}) ON CREATE SET c.token = 0 ' +
      'SET c._lock = true ' +
      'WITH n, c, c.agent AS prevAgent, c.token AS prevToken, c.expiresAt AS prevExpiresAt, c.grantedAt AS prevGrantedAt ' +
      'WITH n, c, prevAgent, prevToken, prevExpiresAt, prevGrantedAt, (prevAgent IS NULL OR prevExpiresAt <= $now) AS granted ' +
      'SET c.agent = CASE WHEN granted THEN $agent ELSE prevAgent END, ' +
      'c.token = CASE WHEN granted THEN prevToken + 1 ELSE prevToken END, ' +
      'c.expiresAt = CASE WHEN granted THEN $expiresAt ELSE prevExpiresAt END, ' +
      'c.grantedAt = CASE WHEN granted THEN $now ELSE prevGrantedAt END ' +
      `RETURN granted, n._class AS onClass, ${CLAIM_FIELDS}, prevAgent, prevToken, prevExpiresAt`,
    params: { on, purpose, agent, now, expiresAt },
  };
}

/**
 * Extends the claim when `agent` holds it with `token`. As in the SQLite adapter, a lease that ran out but was
 * neither taken over nor swept may still be renewed: nobody else got a token in between, so fencing stays sound.
 */
export function renewClaim(on: string, purpose: string, agent: string, token: number, expiresAt: number): Statement {
  return {
    cypher:
      'MATCH (c:TrailgraphClaim {on: $on, purpose: $purpose}) SET c._lock = true ' +
      'WITH c, coalesce(c.agent = $agent AND c.token = $token, false) AS held ' +
      'SET c.expiresAt = CASE WHEN held THEN $expiresAt ELSE c.expiresAt END ' +
      `WITH c, held OPTIONAL MATCH (n:Resource {id: c.on}) RETURN held, n._class AS onClass, ${CLAIM_FIELDS}`,
    params: { on, purpose, agent, token, expiresAt },
  };
}

/** Frees the claim when `agent` holds it with `token` (expired but not yet swept included, as in SQLite). The token stays on the node. */
export function releaseClaim(on: string, purpose: string, agent: string, token: number): Statement {
  return {
    cypher:
      'MATCH (c:TrailgraphClaim {on: $on, purpose: $purpose}) SET c._lock = true ' +
      'WITH c, c.expiresAt AS expiresAt, coalesce(c.agent = $agent AND c.token = $token, false) AS held ' +
      'FOREACH (_ IN CASE WHEN held THEN [1] ELSE [] END | REMOVE c.agent, c.expiresAt, c.grantedAt) ' +
      'WITH c, held, expiresAt OPTIONAL MATCH (n:Resource {id: c.on}) RETURN held, n._class AS onClass, expiresAt',
    params: { on, purpose, agent, token },
  };
}

/** Locks and frees every claim expired by `now`, returning each as it was. */
export function sweepClaims(now: number): Statement {
  return {
    cypher:
      'MATCH (c:TrailgraphClaim) WHERE c.expiresAt <= $now SET c._lock = true ' +
      'WITH c, c.on AS on, c.purpose AS purpose, c.agent AS agent, c.token AS token, c.expiresAt AS expiresAt ORDER BY expiresAt, on, purpose ' +
      'REMOVE c.agent, c.expiresAt, c.grantedAt ' +
      'WITH on, purpose, agent, token, expiresAt OPTIONAL MATCH (n:Resource {id: on}) RETURN on, n._class AS onClass, purpose, agent, token, expiresAt',
    params: { now },
  };
}

/** Live claims on nodes. */
export function claimsOn(ids: readonly string[], now: number): Statement {
  return {
    cypher:
      'UNWIND $ids AS nodeId MATCH (c:TrailgraphClaim {on: nodeId}) WHERE c.agent IS NOT NULL AND c.expiresAt > $now ' +
      `OPTIONAL MATCH (n:Resource {id: nodeId}) RETURN c.on AS on, n._class AS onClass, c.purpose AS purpose, ${CLAIM_FIELDS} ORDER BY on, purpose`,
    params: { ids, now },
  };
}
