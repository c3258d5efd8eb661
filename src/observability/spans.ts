/**
 * The tracing vocabulary of the pipeline: one tracer, W3C `traceparent` ⇄ OpenTelemetry context, and the span
 * names and attributes (OpenTelemetry messaging and CloudEvents semantic conventions where they fit).
 *
 * Only `@opentelemetry/api` is imported here: without a registered SDK every call is a no-op. On top of that the
 * instrumented paths first ask `tracingEnabled()` — a boolean set when tracing.ts registers an SDK — and skip
 * span work altogether when it is false, so a service without `OTEL_*` settings pays one branch per batch.
 */
import { type Attributes, type Context, type Link, ROOT_CONTEXT, type Span, type SpanContext, SpanKind, SpanStatusCode, TraceFlags, context, trace } from '@opentelemetry/api';
import { isTraceparent } from '../core/events/uri.ts';

export { SpanKind, SpanStatusCode, context };
export type { Attributes, Context, Link, Span };

let enabled = false;

/** True once a tracer provider was registered for trailgraph (tracing.ts, or an embedder's own SDK). */
export function tracingEnabled(): boolean {
  return enabled;
}

/**
 * Turns trailgraph's spans on or off. tracing.ts calls it after registering its SDK; a program that embeds
 * trailgraph and registers its own OpenTelemetry SDK calls `enableTracing(true)` to get the spans too.
 */
export function enableTracing(on: boolean): void {
  enabled = on;
}

/** The tracer every trailgraph span comes from (instrumentation scope `trailgraph`). */
export function tracer(): ReturnType<typeof trace.getTracer> {
  return trace.getTracer('trailgraph', '0.1.0');
}

/** The span context a W3C `traceparent` names (remote), or undefined when it is absent or malformed. */
export function spanContextOf(traceparent: string | null | undefined): SpanContext | undefined {
  if (typeof traceparent !== 'string' || !isTraceparent(traceparent)) return undefined;
  const [, traceId, spanId, flags] = traceparent.split('-') as [string, string, string, string];
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED, isRemote: true };
}

/** A context whose parent is the span `traceparent` names; `base` (default: none) when it names nothing. */
export function contextOf(traceparent: string | null | undefined, base: Context = ROOT_CONTEXT): Context {
  const sc = spanContextOf(traceparent);
  return sc ? trace.setSpanContext(base, sc) : base;
}

/** The W3C `traceparent` of a span (undefined for a no-op span, whose context is invalid). */
export function traceparentOf(span: Span | undefined): string | undefined {
  const sc = span?.spanContext();
  if (!sc || !trace.isSpanContextValid(sc)) return undefined;
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, '0')}`;
}

/** Marks a span failed with `message` (status ERROR) — for outcomes, not only exceptions. */
export function failSpan(span: Span, message: string, err?: unknown): void {
  if (err instanceof Error) span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/** Runs `fn` inside a new span (active for the duration), ending it when `fn` settles; errors mark it failed. */
export async function inSpan<T>(name: string, options: { kind?: SpanKind; attributes?: Attributes; links?: Link[]; parent?: Context }, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, ...(options.attributes && { attributes: options.attributes }), ...(options.links && { links: options.links }) }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    failSpan(span, err instanceof Error ? err.message : String(err), err);
    throw err;
  } finally {
    span.end();
  }
}

/** Span names (low cardinality: what happens and where, never an id). */
export const SpanNames = {
  /** An event accepted at an edge and sent on (PRODUCER). */
  publish: 'publish tg.events',
  /** Envelope + payload validation against the ontology, and the projection plan. */
  validate: 'validate',
  /** One batch applied by the projector / the embedded ingestor (CONSUMER, links to each event's trace). */
  process: 'process tg.events',
  /** The store transaction of a batch. */
  commit: 'commit',
  /** A change mark handed to one subscriber (PRODUCER). */
  deliver: 'send tg.marks',
  /** An agent handling a mark (CONSUMER), in the agent's process. */
  react: 'process tg.marks',
} as const;

/** Attribute keys (OpenTelemetry messaging + CloudEvents conventions, then trailgraph's own). */
export const Attr = {
  messagingSystem: 'messaging.system',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  destination: 'messaging.destination.name',
  destinationTemplate: 'messaging.destination.template',
  messageId: 'messaging.message.id',
  batchCount: 'messaging.batch.message_count',
  consumerGroup: 'messaging.consumer.group.name',
  eventId: 'cloudevents.event_id',
  eventSource: 'cloudevents.event_source',
  eventType: 'cloudevents.event_type',
  eventSubject: 'cloudevents.event_subject',
  dbSystem: 'db.system.name',
  correlationId: 'trailgraph.correlation_id',
  causationId: 'trailgraph.causation_id',
  outcome: 'trailgraph.outcome',
  seq: 'trailgraph.seq',
  edge: 'trailgraph.edge',
  transport: 'trailgraph.transport',
  markKind: 'trailgraph.mark.kind',
} as const;

/**
 * An HTTP request handled in a SERVER span (child of the request's `traceparent` header) while tracing; `fn`
 * directly otherwise. The response status is recorded; a 5xx marks the span failed.
 */
export async function inServerSpan(request: Request, route: string, fn: () => Promise<Response>): Promise<Response> {
  if (!enabled) return fn();
  const attributes = { 'http.request.method': request.method, 'http.route': route, 'url.path': new URL(request.url).pathname };
  return inSpan(`${request.method} ${route}`, { kind: SpanKind.SERVER, attributes, parent: contextOf(request.headers.get('traceparent')) }, async (span) => {
    const response = await fn();
    span.setAttribute('http.response.status_code', response.status);
    if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    return response;
  });
}

/** A GraphQL operation's resolver work in a SERVER span (child of the HTTP request's `traceparent`) while tracing. */
export async function inGraphqlSpan<T>(request: Request | undefined, operation: { type: 'query' | 'mutation'; field: string }, fn: () => Promise<T>): Promise<T> {
  if (!enabled) return fn();
  const attributes = { 'graphql.operation.type': operation.type, 'graphql.operation.name': operation.field };
  return inSpan(`${operation.type} ${operation.field}`, { kind: SpanKind.SERVER, attributes, parent: contextOf(request?.headers.get('traceparent')) }, fn);
}
