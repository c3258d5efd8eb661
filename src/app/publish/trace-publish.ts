/**
 * Publish spans around the one publish path (HTTP, GraphQL, CLI — embedded or NATS): one PRODUCER span per event,
 * a child of the event's own `traceparent` (the CloudEvents distributed-tracing extension: where the producer
 * created it) or, when it has none, of whatever is active (the HTTP request's span). The span's context travels
 * on as the raw event's `traceparent` header — a NATS message header in bus mode — which is what the projector
 * links its batch to and what the ledger records for an event that carried no `traceparent` of its own, so the
 * marks of its commit continue this trace.
 */
import type { RawEvent } from '../ingest/ingest.ts';
import type { PublishOptions, PublishOutcome, Publisher } from './publisher.ts';
import { Attr, type Span, SpanKind, SpanNames, context, contextOf, failSpan, traceparentOf, tracer, tracingEnabled } from '../../observability/spans.ts';

interface Envelope {
  readonly id?: unknown;
  readonly source?: unknown;
  readonly type?: unknown;
  readonly subject?: unknown;
  readonly traceparent?: unknown;
  readonly correlationid?: unknown;
  readonly causationid?: unknown;
}

function envelopeOf(raw: RawEvent): Envelope {
  let p = raw.payload;
  if (typeof p === 'string') {
    try {
      p = JSON.parse(p) as unknown;
    } catch {
      return {};
    }
  }
  return p !== null && typeof p === 'object' ? (p as Envelope) : {};
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function startPublishSpan(raw: RawEvent, system: 'nats' | 'trailgraph'): Span {
  const e = envelopeOf(raw);
  const own = str(e.traceparent) ?? raw.headers?.traceparent;
  const parent = own !== undefined ? contextOf(own, context.active()) : context.active();
  const attributes: Record<string, string> = { [Attr.messagingSystem]: system, [Attr.operationType]: 'send', [Attr.operationName]: 'publish', [Attr.destinationTemplate]: 'tg.events.{domain}.{type}.{aggregate}' };
  for (const [k, v] of [[Attr.eventId, e.id], [Attr.messageId, e.id], [Attr.eventSource, e.source], [Attr.eventType, e.type], [Attr.eventSubject, e.subject], [Attr.correlationId, e.correlationid], [Attr.causationId, e.causationid]] as const) {
    const s = str(v);
    if (s !== undefined) attributes[k] = s;
  }
  return tracer().startSpan(SpanNames.publish, { kind: SpanKind.PRODUCER, attributes }, parent);
}

function endPublishSpan(span: Span, outcome: PublishOutcome | undefined): void {
  if (outcome) {
    span.setAttribute(Attr.outcome, outcome.status);
    if (outcome.seq !== undefined) span.setAttribute(Attr.seq, outcome.seq);
    if (outcome.status === 'rejected') failSpan(span, outcome.error?.message ?? 'rejected', outcome.error);
  }
  span.end();
}

/** The publisher with a publish span per event (a no-op wrapper while tracing is off). */
export function tracePublisher(publisher: Publisher, system: 'nats' | 'trailgraph'): Publisher {
  return {
    async publish(raws: readonly RawEvent[], options?: PublishOptions): Promise<PublishOutcome[]> {
      if (!tracingEnabled()) return publisher.publish(raws, options);
      const spans = raws.map((raw) => startPublishSpan(raw, system));
      const traced = raws.map((raw, i): RawEvent => {
        const tp = traceparentOf(spans[i]);
        return tp === undefined ? raw : { ...raw, headers: { ...raw.headers, traceparent: tp } };
      });
      try {
        const outcomes = await publisher.publish(traced, options);
        spans.forEach((span, i) => endPublishSpan(span, outcomes[i]));
        return outcomes;
      } catch (err) {
        for (const span of spans) {
          failSpan(span, err instanceof Error ? err.message : String(err), err);
          span.end();
        }
        throw err;
      }
    },
    close: () => publisher.close(),
  };
}
