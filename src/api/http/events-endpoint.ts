/** `POST /events`: CloudEvents over HTTP into the publisher. Status codes are documented in docs/api.md. */
import { randomUUID } from 'node:crypto';
import { ErrorCode, IdempotencyConflictError, TrailgraphError } from '../../core/errors.ts';
import type { PublishOutcome, Publisher } from '../../app/publish/publisher.ts';
import { type PublishGuard, publishGuarded } from '../../app/auth/guard-publish.ts';
import { errorDetails } from '../errors.ts';
import { HttpProblem, parseCloudEventsRequest } from './cloudevents-binding.ts';
import { BodyTooLargeError, readBodyText } from './read-body.ts';
import { inServerSpan } from '../../observability/spans.ts';

export interface EventsEndpointOptions {
  readonly publisher: Publisher;
  readonly maxBodyBytes: number;
  readonly maxWaitMs: number;
  /** The authenticated publisher and the policy (auth on). */
  readonly guard?: PublishGuard | undefined;
  /** Where unexpected errors are logged with their error id (default: stderr). */
  readonly log?: (line: string) => void;
}

const defaultLog = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * An unexpected failure: the client gets a generic 500 with an error id and never the error itself (a stack trace
 * names files and internals); the full error is logged under that id so an operator can find it.
 */
function internalError(err: unknown, log: (line: string) => void): Response {
  const errorId = randomUUID();
  log(`trailgraph: internal error ${errorId} on POST /events: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return json(500, { error: { code: 'INTERNAL_ERROR', message: `internal error; quote error id ${errorId} to the operator`, errorId } });
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });

function errorBody(err: TrailgraphError | undefined): Record<string, unknown> {
  if (!err) return { code: ErrorCode.InvalidEvent, message: 'rejected' };
  if (err.code === ErrorCode.StoreUnavailable) return { code: err.code, message: 'the graph store is unavailable; retry shortly', retryable: true };
  return { message: err.message, ...errorDetails(err) };
}

/** One outcome as JSON; rejected ones carry `error`. */
export function outcomeBody(o: PublishOutcome): Record<string, unknown> {
  // A reused id answers with the seq of the event that holds the key, as a duplicate would.
  const seq = o.seq ?? (o.error instanceof IdempotencyConflictError ? o.error.originalSeq : null);
  const base = { eventId: o.eventId ?? null, status: o.status, seq };
  return o.status === 'rejected' ? { ...base, error: errorBody(o.error), ...(o.deadLetterId && { deadLetterId: o.deadLetterId }) } : base;
}

function statusOf(o: PublishOutcome): number {
  if (o.error?.code === ErrorCode.Forbidden) return 403;
  switch (o.status) {
    case 'applied':
      return 201;
    case 'duplicate':
      return 200;
    case 'accepted':
      return 202;
    case 'rejected':
      if (o.error?.code === ErrorCode.IdempotencyConflict) return 409;
      return o.error?.code === ErrorCode.StoreUnavailable ? 503 : 422;
  }
}

/** Handles one `/events` request (in an HTTP server span while tracing). */
export function handleEvents(request: Request, options: EventsEndpointOptions): Promise<Response> {
  return inServerSpan(request, '/events', () => handleEventsRequest(request, options));
}

async function handleEventsRequest(request: Request, options: EventsEndpointOptions): Promise<Response> {
  if (request.method !== 'POST') return json(405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'POST CloudEvents to /events' } }, { allow: 'POST' });
  const url = new URL(request.url);
  const waitParam = url.searchParams.get('wait');
  const waitMs = waitParam === null ? 0 : Number(waitParam);
  if (!Number.isFinite(waitMs) || waitMs < 0) return json(400, { error: { code: 'BAD_WAIT', message: '?wait must be a number of milliseconds ≥ 0' } });
  try {
    const body = await readBodyText(request, options.maxBodyBytes);
    const parsed = parseCloudEventsRequest(request.headers, body);
    if (parsed.events.length === 0) return json(200, []);
    const outcomes = await publishGuarded(options.publisher, parsed.events, { waitMs: Math.min(waitMs, options.maxWaitMs) }, options.guard);
    if (parsed.batch) return json(200, outcomes.map(outcomeBody));
    const [one] = outcomes;
    if (!one) throw new Error('publisher returned no outcome');
    const { error, ...rest } = outcomeBody(one);
    return json(statusOf(one), one.status === 'rejected' ? { ...rest, error } : rest);
  } catch (err) {
    if (err instanceof BodyTooLargeError) return json(413, { error: { code: 'PAYLOAD_TOO_LARGE', message: err.message, limit: err.limit } });
    if (err instanceof HttpProblem) return json(err.status, { error: { code: err.code, message: err.message } });
    if (err instanceof TrailgraphError && err.retryable) return json(503, { error: errorBody(err) }, { 'retry-after': '1' });
    return internalError(err, options.log ?? defaultLog);
  }
}
