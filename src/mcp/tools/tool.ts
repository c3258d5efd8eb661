/**
 * What a tool is to the server: its MCP definition (name, description, input JSON Schema, hints) and the call.
 * Tools are generated from the ontology per server (tools/index.ts); calls go through the GraphQL runner.
 */
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '../../core/auth/principal.ts';
import { ToolArgumentsError } from '../errors.ts';
import type { GraphqlRunner } from '../graphql-runner.ts';

/** What one call runs with. */
export interface ToolContext {
  readonly run: GraphqlRunner;
  /** The authenticated caller (auth on). */
  readonly principal: Principal | undefined;
  /** Open mode: the acting agent when the arguments name none (HTTP header / environment of the session). */
  readonly agent: string | undefined;
}

/** One tool. */
export interface ToolDef {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** The advertised input schema (always `type: object`). */
  readonly inputSchema: Record<string, unknown>;
  /** The schema the arguments are checked with before the call, when it differs from the advertised one. */
  readonly checkSchema?: Record<string, unknown>;
  readonly annotations: ToolAnnotations;
  /** Runs the call with checked arguments; returns the compact answer. */
  call(args: Record<string, unknown>, ctx: ToolContext): Promise<Record<string, unknown>>;
}

/** Upper bound of every `limit` argument: answers stay small enough for a model's context. */
export const MAX_LIMIT = 100;

/** A `limit` argument: default `fallback`, at most `max`. */
export function limitSchema(fallback: number, max = MAX_LIMIT): Record<string, unknown> {
  return { type: 'integer', minimum: 1, maximum: max, default: fallback, description: `How many items to return (default ${fallback}, at most ${max}).` };
}

export const CURSOR_SCHEMA = {
  type: 'string', minLength: 1,
  description: 'Pass the nextCursor of the previous answer to get the next page; omit for the first page.',
} as const;

export const AT_LEAST_SEQ_SCHEMA = {
  type: 'integer', minimum: 0,
  description: 'Read-your-writes: wait (bounded) until the graph has applied this ledger seq, e.g. the seq a publish tool returned.',
} as const;

/** The schema of a tool's arguments: an object with exactly these properties. */
export function objectSchema(properties: Record<string, unknown>, required: readonly string[] = []): Record<string, unknown> {
  return { type: 'object', properties, ...(required.length > 0 && { required: [...required] }), additionalProperties: false };
}

/** An offset cursor for answers the store computes whole (neighbourhood, paths): opaque to the model. */
export function encodeOffset(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

export function decodeOffset(tool: string, cursor: unknown): number {
  if (cursor === undefined) return 0;
  try {
    const v = JSON.parse(Buffer.from(String(cursor), 'base64url').toString('utf8')) as { o?: unknown };
    if (Number.isSafeInteger(v.o) && (v.o as number) >= 0) return v.o as number;
  } catch {
    // reported below
  }
  throw new ToolArgumentsError(tool, [{ pointer: '/cursor', message: 'is not a cursor of this tool: pass the nextCursor of its previous answer' }]);
}

/** A string argument the schema already required. */
export const str = (v: unknown): string => String(v);
/** An optional argument, dropped when absent. */
export const opt = <T>(v: T | undefined | null): T | undefined => (v === null ? undefined : v);

/** `asOf` of the read tools: the graph as it was at a ledger seq or commit time (GraphQL's AsOf input). */
export const AS_OF_SCHEMA = {
  type: 'object',
  properties: {
    seq: { type: 'integer', minimum: 0, description: 'A ledger seq, e.g. the cursor of marks_since or a seq from history.' },
    time: { type: 'string', format: 'date-time', description: 'A commit time (ISO 8601): the graph after the last change committed by then.' },
  },
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  description: 'Read the graph as it was at this point (exactly one of seq or time), e.g. "what did this referral look like before it was made urgent?" Omit for now.',
} as const;
