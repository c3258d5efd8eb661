/**
 * How tool failures reach a model: always a tool result with `isError: true` and a JSON body naming the code, the
 * message and where the problem is (a JSON pointer into the tool's arguments), never a protocol-level internal
 * error. Typed trailgraph errors keep their context fields (the same ones GraphQL puts in `extensions`); anything
 * unexpected is reported with an error id and logged, its message never shown.
 */
import { randomUUID } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { GraphQLError } from 'graphql';
import { EXPOSED_CODES, errorDetails } from '../api/errors.ts';
import { ErrorCode, TrailgraphError } from '../core/errors.ts';

/** One located problem in a tool's arguments. */
export interface ArgumentIssue {
  /** RFC 6901 pointer into the arguments, e.g. `/where/status/eq` (empty: the arguments as a whole). */
  readonly pointer: string;
  readonly message: string;
}

/** The arguments of a tool call do not fit its input schema (or a value the server checks). Not retryable. */
export class ToolArgumentsError extends TrailgraphError {
  readonly tool: string;
  readonly issues: readonly ArgumentIssue[];
  constructor(tool: string, issues: readonly ArgumentIssue[]) {
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(ErrorCode.BadInput, `${tool}: ${first ? `${first.pointer || '/'}: ${first.message}` : 'invalid arguments'}${more}`, { retryable: false });
    this.name = 'ToolArgumentsError';
    this.tool = tool;
    this.issues = issues;
  }

  /** The first issue's pointer: the place to look. */
  get pointer(): string {
    return this.issues[0]?.pointer ?? '';
  }
}

const escape = (segment: string): string => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/** `where.status.in[0]` (graphql-js's path of a bad variable value) → `/where/status/in/0`. */
export function pointerOfPath(path: string): string {
  return path.split(/\.|\[(\d+)\]/).filter((s) => s !== undefined && s !== '').map((s) => `/${escape(s)}`).join('');
}

/**
 * A GraphQL variable-coercion error (`Variable "$where" got invalid value 1 at "where.status.eq"; …`) as an
 * argument issue: the variables of the tools' documents carry the tools' argument names.
 */
export function issueOfGraphqlError(err: GraphQLError): ArgumentIssue | undefined {
  const m = /^Variable "\$(\w+)" got invalid value .*? at "([^"]+)"; (.*)$/s.exec(err.message) ?? /^Variable "\$(\w+)" got invalid value .*?; (.*)$/s.exec(err.message);
  if (!m) return undefined;
  const [, variable, pathOrMessage, rest] = m;
  return rest === undefined
    ? { pointer: `/${escape(variable ?? '')}`, message: pathOrMessage ?? err.message }
    : { pointer: pointerOfPath(pathOrMessage ?? ''), message: rest };
}

/** A successful tool result: compact JSON text, and the same value as structured content. */
export function toolResult(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
}

/** The body of a failed call. */
export function errorBody(err: unknown, log: (line: string) => void): Record<string, unknown> {
  // A bad variable value: graphql-js says where in the outer message and wraps the scalar's complaint.
  const coercion = err instanceof GraphQLError ? issueOfGraphqlError(err) : undefined;
  if (coercion) return { code: ErrorCode.BadInput, message: `${coercion.pointer || '/'}: ${coercion.message}`, pointer: coercion.pointer, issues: [coercion], retryable: false };
  const original = err instanceof GraphQLError && err.originalError ? err.originalError : err;
  if (original instanceof ToolArgumentsError) {
    return { code: original.code, message: original.message, pointer: original.pointer, issues: original.issues };
  }
  if (original instanceof TrailgraphError && EXPOSED_CODES.has(original.code)) {
    const message = original.code === ErrorCode.StoreUnavailable ? 'the graph store is unavailable; retry shortly' : original.message;
    return { message, ...errorDetails(original) };
  }
  if (original instanceof GraphQLError && typeof original.extensions.code === 'string' && EXPOSED_CODES.has(original.extensions.code)) {
    return { code: original.extensions.code, message: original.message, retryable: false };
  }
  const errorId = randomUUID();
  log(`trailgraph mcp: unexpected error ${errorId}: ${original instanceof Error ? (original.stack ?? original.message) : String(original)}`);
  return { code: 'INTERNAL', message: `unexpected error (error id ${errorId}); the server log has the details`, errorId, retryable: true };
}

/** A failed call as a tool result the model can read and act on. */
export function errorResult(err: unknown, log: (line: string) => void): CallToolResult {
  const error = errorBody(err, log);
  return { content: [{ type: 'text', text: JSON.stringify({ error }) }], structuredContent: { error }, isError: true };
}
