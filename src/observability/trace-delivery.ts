/**
 * Mark delivery spans: a change mark handed to one subscriber is a PRODUCER span `send tg.marks`, a child of the
 * trace context the mark carries (its event's `traceparent` in the ledger). The subscriber gets the mark with the
 * DELIVERY span's `traceparent`, so an agent that reacts (the client copies it onto the reaction event) continues
 * the trace below this very delivery: publish → commit → delivery → reaction, one trace across processes.
 */
import type { ChangeMark } from '../core/marks/change-mark.ts';
import { Attr, type Span, SpanKind, SpanNames, contextOf, traceparentOf, tracer, tracingEnabled } from './spans.ts';

/** A mark as handed to one subscriber, and the span to end once the transport has taken it. */
export interface TracedDelivery {
  readonly mark: ChangeMark;
  readonly span: Span;
}

/** Starts the delivery span of `mark` to one subscriber; undefined while not tracing or for a mark without a trace. */
export function startDelivery(mark: ChangeMark, transport: string): TracedDelivery | undefined {
  if (!tracingEnabled() || mark.traceparent === undefined) return undefined;
  const parent = contextOf(mark.traceparent);
  const span = tracer().startSpan(
    SpanNames.deliver,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        [Attr.messagingSystem]: 'trailgraph', [Attr.operationType]: 'send', [Attr.operationName]: 'send', [Attr.destination]: 'tg.marks',
        [Attr.messageId]: String(mark.seq), [Attr.seq]: mark.seq, [Attr.markKind]: mark.kind, [Attr.transport]: transport,
        [Attr.eventId]: mark.eventId, [Attr.eventType]: mark.type, [Attr.eventSource]: mark.source,
        ...(mark.subject !== undefined && { [Attr.eventSubject]: mark.subject }),
      },
    },
    parent,
  );
  const traceparent = traceparentOf(span);
  return { span, mark: traceparent === undefined ? mark : { ...mark, traceparent } };
}
