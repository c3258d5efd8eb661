/**
 * The batch span of the ingest pipeline (the projector's batch in NATS mode, a group commit in embedded mode):
 * one CONSUMER span `process tg.events` per batch with a LINK to each event's trace context — the messaging
 * conventions' answer to "one operation, many traces" — and `validate` / `commit` child spans for its phases.
 * A batch of exactly one traced event is also that event's child, so a trace viewer shows the common, quiet case
 * (one event, one commit) inline under the publish.
 */
import { Attr, type Link, type Span, SpanKind, SpanNames, context, failSpan, inSpan, spanContextOf, tracer } from './spans.ts';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';

/** Runs one phase of a batch (validate, commit) — in a child span while tracing, directly otherwise. */
export type BatchPhase = <T>(name: 'validate' | 'commit', fn: () => Promise<T>) => Promise<T>;

/** The phase runner when not tracing. */
export const untracedPhase: BatchPhase = (_name, fn) => fn();

/** What the batch span reads of an arriving event (the ingestor's RawEvent fits; not imported: it imports us). */
export interface TracedRaw {
  readonly payload: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

const TRACEPARENT_IN_JSON = /"traceparent"\s*:\s*"([^"]{55,})"/;

/** The trace context a raw event came with: its transport header, else its CloudEvents `traceparent`. */
export function rawTraceparent(raw: TracedRaw): string | undefined {
  const header = raw.headers?.traceparent;
  if (header !== undefined) return header;
  const p = raw.payload;
  if (typeof p === 'string') return TRACEPARENT_IN_JSON.exec(p)?.[1];
  const own = p !== null && typeof p === 'object' ? (p as { traceparent?: unknown }).traceparent : undefined;
  return typeof own === 'string' ? own : undefined;
}

export interface BatchTraceOptions {
  /** `nats` (projector) or `trailgraph` (embedded). */
  readonly system: 'nats' | 'trailgraph';
  /** The store kind (sqlite, neo4j): `db.system.name` of the commit span. */
  readonly store: string;
  /** The projector's checkpoint name (the consumer), when there is one. */
  readonly consumer?: string;
}

/** Runs `run` inside the batch span; `run` gets the phase runner that opens the child spans. */
export async function traceBatch<R extends { readonly status: string }>(raws: readonly TracedRaw[], options: BatchTraceOptions, run: (phase: BatchPhase) => Promise<R[]>): Promise<R[]> {
  const links: Link[] = [];
  for (const raw of raws) {
    const sc = spanContextOf(rawTraceparent(raw));
    if (sc) links.push({ context: sc });
  }
  const only = links.length === 1 && raws.length === 1 ? links[0] : undefined;
  // Never the caller's context: a group commit holds several callers' events, the first of them is not the parent.
  const parent = only ? trace.setSpanContext(ROOT_CONTEXT, only.context) : ROOT_CONTEXT;
  const span: Span = tracer().startSpan(
    SpanNames.process,
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        [Attr.messagingSystem]: options.system, [Attr.operationType]: 'process', [Attr.operationName]: 'process',
        [Attr.batchCount]: raws.length, [Attr.destinationTemplate]: 'tg.events.{domain}.{type}.{aggregate}',
        ...(options.consumer !== undefined && { [Attr.consumerGroup]: options.consumer }),
      },
    },
    parent,
  );
  const phase: BatchPhase = (name, fn) => inSpan(name === 'validate' ? SpanNames.validate : SpanNames.commit, name === 'commit' ? { attributes: { [Attr.dbSystem]: options.store } } : {}, fn);
  try {
    const results = await context.with(trace.setSpan(parent, span), () => run(phase));
    const counts: Record<string, number> = {};
    for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
    for (const [status, n] of Object.entries(counts)) span.setAttribute(`trailgraph.events.${status}`, n);
    return results;
  } catch (err) {
    failSpan(span, err instanceof Error ? err.message : String(err), err);
    throw err;
  } finally {
    span.end();
  }
}
