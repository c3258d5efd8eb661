/**
 * The API edge: TrailgraphErrors become typed GraphQL errors (documented codes and context fields); anything
 * else is masked so internals never leak.
 */
import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';
import { ConsistencyTimeoutError, ErrorCode, InvalidEventError, ProjectionConflictError, TrailgraphError } from '../core/errors.ts';

/** Codes clients may see and act on (docs/api.md "Errors"). Everything else is "Unexpected error.". */
export const EXPOSED_CODES: ReadonlySet<string> = new Set<string>([
  ErrorCode.InvalidEvent,
  ErrorCode.ProjectionConflict,
  ErrorCode.CausalLoop,
  ErrorCode.ConsistencyTimeout,
  ErrorCode.NotFound,
  ErrorCode.ClaimRefused,
  ErrorCode.SlowSubscriber,
  ErrorCode.StoreUnavailable,
  ErrorCode.Unauthenticated,
  ErrorCode.Forbidden,
  ErrorCode.BadInput,
  ErrorCode.IdempotencyConflict,
]);

/** The JSON body of a typed error, shared by GraphQL `extensions` and `POST /events` 422 responses. */
export function errorDetails(err: TrailgraphError): Record<string, unknown> {
  const out: Record<string, unknown> = { code: err.code, retryable: err.retryable };
  if (err instanceof InvalidEventError) Object.assign(out, { eventId: err.eventId ?? null, pointer: err.pointer, issues: err.issues });
  else if (err instanceof ProjectionConflictError) Object.assign(out, { eventId: err.eventId, pointer: err.pointer, issues: [{ pointer: err.pointer, message: err.message }] });
  else if (err instanceof ConsistencyTimeoutError) Object.assign(out, { wantedSeq: err.wantedSeq, headSeq: err.headSeq });
  else {
    // Subclasses owned by others (e.g. ClaimRefusedError) carry their context as own enumerable fields.
    for (const [k, v] of Object.entries(err)) if (!(k in out) && k !== 'cause') out[k] = v;
  }
  return out;
}

/** The message shown for an exposed error; store failures get a generic one (the cause may name hosts). */
function publicMessage(err: TrailgraphError): string {
  return err.code === ErrorCode.StoreUnavailable ? 'the graph store is unavailable; retry shortly' : err.message;
}

/** yoga `maskedErrors.maskError`: typed errors pass with extensions, the rest is masked. */
export function maskError(error: unknown, message: string, isDev?: boolean): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof TrailgraphError && EXPOSED_CODES.has(original.code)) {
    const g = error instanceof GraphQLError ? error : undefined;
    if (g && original.code !== ErrorCode.StoreUnavailable && g.message === original.message) {
      // Expected, typed errors: return the same object (with its extensions filled in) so yoga does not log them
      // as failures — it logs whenever maskError returns a different error. Store outages still get logged.
      Object.assign(g.extensions, errorDetails(original));
      return g;
    }
    return new GraphQLError(publicMessage(original), {
      ...(g?.nodes && { nodes: g.nodes }),
      ...(g?.path && { path: g.path }),
      extensions: errorDetails(original),
    });
  }
  return yogaMaskError(error, message, isDev);
}
