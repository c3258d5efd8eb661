/**
 * The persisted-operations rule for graphql-ws. Yoga enforces it over HTTP and SSE in its `onParams` hook
 * (usePersistedOperations in src/api/server.ts), but graphql-ws messages never pass through that hook — without
 * this, locked-down mode (`TRAILGRAPH_PERSISTED_ONLY=1`) would be open to any ad-hoc document over WebSocket.
 * Same lookup (file name or sha256, as `documentId` or `extensions.persistedQuery.sha256Hash`) and the same
 * error codes as over HTTP, so one client-side handler covers every transport.
 */
import { GraphQLError } from 'graphql';

/** What a graphql-ws subscribe message carries (documentId is the GraphQL-over-HTTP draft's name for the id). */
export interface WsOperationPayload {
  readonly query: string;
  readonly documentId?: unknown;
  readonly extensions?: Readonly<Record<string, unknown>> | null;
}

export interface WsPersistedRule {
  /** Persisted documents by name and by sha256 (indexPersistedOperations). */
  readonly operations: ReadonlyMap<string, string>;
  /** Locked-down mode: refuse any document that is not persisted. */
  readonly only: boolean;
}

const refuse = (message: string, code: string): GraphQLError => new GraphQLError(message, { extensions: { code } });

function persistedId(payload: WsOperationPayload): string | undefined {
  if (typeof payload.documentId === 'string') return payload.documentId;
  const pq = payload.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
  return typeof pq?.sha256Hash === 'string' ? pq.sha256Hash : undefined;
}

/** The document text to run for `payload`, or the error that refuses it. */
export function resolveWsDocument(payload: WsOperationPayload, rule: WsPersistedRule): string | GraphQLError {
  if (payload.query) {
    if (!rule.only) return payload.query;
    return refuse(
      'PersistedQueryOnly: this server runs only the operations in its queries/ folder; send an empty query with documentId (file name or sha256) or extensions.persistedQuery.sha256Hash',
      'CANNOT_SEND_PQ_ID_AND_BODY',
    );
  }
  const id = persistedId(payload);
  if (id === undefined) return refuse('PersistedQueryKeyNotFound: send documentId or extensions.persistedQuery.sha256Hash', 'PERSISTED_QUERY_ID_REQUIRED');
  const document = rule.operations.get(id);
  if (document === undefined) return refuse(`PersistedQueryNotFound: no persisted operation "${id}"`, 'PERSISTED_QUERY_NOT_IN_LIST');
  return document;
}
