/**
 * The Neo4j store's start-up checks, kept apart from the driver so their decisions and messages are unit-tested:
 * may a failed schema statement be tolerated, and are the constraints trailgraph's guarantees rest on present?
 */
import { ConfigError } from '../../core/errors.ts';
import { REQUIRED_CONSTRAINTS } from './cypher/schema.ts';

/** The Neo4j error code of `err` or of an error it wraps (the executor wraps driver errors as `cause`). */
export function neo4jCode(err: unknown): string {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (code.startsWith('Neo.') || code === 'ServiceUnavailable' || code === 'SessionExpired')) return code;
  }
  return '';
}

/**
 * A schema statement refused for lack of schema rights is tolerable: an admin may have created the constraints
 * (`trailgraph neo4j schema | cypher-shell`), which the constraint check then confirms. Anything else is not.
 */
export function isSchemaForbidden(err: unknown): boolean {
  return neo4jCode(err) === 'Neo.ClientError.Security.Forbidden';
}

/** Throws a ConfigError naming every missing required constraint and the two ways to fix it. */
export function checkConstraints(present: Iterable<string>): void {
  const names = new Set(present);
  const missing = REQUIRED_CONSTRAINTS.filter((n) => !names.has(n));
  if (missing.length === 0) return;
  throw new ConfigError(
    'TRAILGRAPH_NEO4J_USER',
    `the database lacks the constraint${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (one node per id, one ledger row per event and seq, a node's history rest on them) and this user may not create them; run \`trailgraph neo4j schema | cypher-shell\` as an admin, or give TRAILGRAPH_NEO4J_USER schema rights`,
  );
}
