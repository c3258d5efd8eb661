/**
 * The CloudEvents HTTP protocol binding (v1.0.2), receiving side: structured, binary and batch content modes →
 * raw events for the publisher. Malformed HTTP is an `HttpProblem` (400 / 415); event validity is the
 * ingest pipeline's business, so a structurally odd event still reaches it and is rejected with a JSON pointer.
 */
import type { RawEvent } from '../../app/ingest/ingest.ts';

export const STRUCTURED = 'application/cloudevents+json';
export const BATCH = 'application/cloudevents-batch+json';

/** A request that is not a CloudEvents HTTP message at all. */
export class HttpProblem extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'HttpProblem';
    this.status = status;
    this.code = code;
  }
}

const HOW =
  'send Content-Type: application/cloudevents+json (structured), ce-specversion/ce-id/ce-source/ce-type headers ' +
  'with a JSON body (binary), or application/cloudevents-batch+json (an array)';

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpProblem(400, 'MALFORMED_JSON', `${what} is not valid JSON: ${(err as Error).message}`);
  }
}

function mediaType(headers: Headers): string {
  return (headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

const isJsonMedia = (t: string): boolean => t === 'application/json' || t.endsWith('+json') || t === 'text/json';

function decodeHeader(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/** Parsed request: one event (`batch: false`) or a batch. */
export interface ParsedEvents {
  readonly batch: boolean;
  readonly events: RawEvent[];
}

/** Turns an HTTP request (headers + body text) into raw events. */
export function parseCloudEventsRequest(headers: Headers, body: string): ParsedEvents {
  const type = mediaType(headers);
  if (type === BATCH) {
    const parsed = parseJson(body, 'the batch');
    if (!Array.isArray(parsed)) throw new HttpProblem(400, 'MALFORMED_BATCH', `a ${BATCH} body must be a JSON array of CloudEvents`);
    return { batch: true, events: parsed.map((payload: unknown) => ({ payload })) };
  }
  if (type === STRUCTURED) {
    // The raw text goes on unparsed, even when it is not JSON or not an object: ingest rejects it with a pointer and
    // dead-letters it exactly as received, the same as a malformed message on the bus — nothing is lost at the edge.
    return { batch: false, events: [{ payload: body }] };
  }
  if (headers.has('ce-specversion')) {
    const event: Record<string, unknown> = {};
    for (const [name, value] of headers) {
      if (name.startsWith('ce-') && name.length > 3) event[name.slice(3)] = decodeHeader(value);
    }
    for (const required of ['id', 'source', 'type']) {
      if (!event[required]) throw new HttpProblem(400, 'MISSING_HEADER', `binary mode: header ce-${required} is missing; ${HOW}`);
    }
    if (body.length > 0) {
      if (type && !isJsonMedia(type)) {
        throw new HttpProblem(415, 'UNSUPPORTED_MEDIA_TYPE', `event data must be JSON (Content-Type application/json), got ${type}`);
      }
      event.data = parseJson(body, 'the event data');
      event.datacontenttype = type || 'application/json';
    }
    return { batch: false, events: [{ payload: event }] };
  }
  throw new HttpProblem(type === '' || isJsonMedia(type) ? 400 : 415, 'NOT_A_CLOUDEVENT', `not a CloudEvents request: ${HOW}`);
}
