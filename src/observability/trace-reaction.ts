/**
 * The agent side of a trace: an agent's handling of a mark is a CONSUMER span `process tg.marks`, a child of the
 * mark's `traceparent` (the service's delivery span), and the events it publishes meanwhile carry this span's
 * `traceparent`. For agent processes that run the OpenTelemetry SDK (the demo agents: tracing.ts); the package
 * client itself only passes the mark's `traceparent` on.
 */
import { Attr, SpanKind, SpanNames, contextOf, inSpan, traceparentOf, tracingEnabled } from './spans.ts';

/** What a reaction needs of the mark it reacts to (the client's `Mark` fits). */
export interface ReactedMark {
  readonly seq: number;
  readonly eventId: string;
  readonly type: string;
  readonly traceparent?: string | null;
}

/**
 * Runs `react` in the reaction span; `react` gets the `traceparent` to set on the events it publishes (the mark's
 * own when not tracing, so the trace still continues).
 */
export function reactTo<T>(mark: ReactedMark, agent: string, react: (traceparent: string | undefined) => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return react(mark.traceparent ?? undefined);
  const attributes = {
    [Attr.messagingSystem]: 'trailgraph', [Attr.operationType]: 'process', [Attr.operationName]: 'process', [Attr.destination]: 'tg.marks',
    [Attr.messageId]: String(mark.seq), [Attr.seq]: mark.seq, [Attr.eventId]: mark.eventId, [Attr.eventType]: mark.type, 'trailgraph.agent': agent,
  };
  return inSpan(SpanNames.react, { kind: SpanKind.CONSUMER, attributes, parent: contextOf(mark.traceparent) }, (span) => react(traceparentOf(span) ?? mark.traceparent ?? undefined));
}
