/**
 * NATS mode's publisher. Each event is validated once (an invalid event is rejected at once, 422 semantics, never
 * reaches the bus, and is kept in dead letters with the reason when a dead-letter store is given); the change set
 * that validation yields is what the rest reads (id, source, type, subject), so the event is not parsed again.
 *
 * Idempotency rests on the bus: the message id is the idempotency key plus a digest of the content (busMsgId), so
 * JetStream drops a true retry within its duplicate window, while a reused key with other content is stored and
 * reaches the projector, which dead-letters it as a conflict. The publisher then learns every outcome one way —
 * the ledger entry of the event's key, waited for up to `waitMs` (no wait: looked up once): none yet → `accepted`;
 * other content → conflict with the original seq; the same content → `duplicate` when it was there before this
 * publish (or the bus said so), else `applied`.
 */
import { createHash } from 'node:crypto';
import { IdempotencyConflictError, InvalidEventError, TrailgraphError } from '../../core/errors.ts';
import { eventContent, idempotencyKey, publishedEvent, redelivery } from '../../core/events/idempotency.ts';
import type { ChangeSet } from '../../core/projection/change-set.ts';
import type { DeadLetterStore } from '../../ports/dead-letters.ts';
import type { BusPublishAck, EventBus, EventRouting } from '../../ports/event-bus.ts';
import type { GraphStore, LedgerEntry } from '../../ports/graph-store.ts';
import type { Ingestor, RawEvent } from '../ingest/ingest.ts';
import { waitForEvent } from './consistency.ts';
import type { PublishOutcome, Publisher } from './publisher.ts';
import { SpanNames, context, contextOf, inSpan, tracingEnabled } from '../../observability/spans.ts';

/** RawEvent header marking a dead-letter replay (value: the letter id): published under a fresh msg id. */
export const REPLAY_HEADER = 'Tg-Replay-Of';

export interface NatsPublisherOptions {
  readonly bus: EventBus;
  /** Validation only: `prepare` throws for an event that can never apply. */
  readonly ingestor: Pick<Ingestor, 'prepare'>;
  readonly store: Pick<GraphStore, 'findEvent' | 'onCommit' | 'headSeq'>;
  /** Poll interval for commits made by another process's projector. */
  readonly pollMs?: number;
  /** Where rejected events are kept (nothing is lost: they can be inspected, fixed and replayed). */
  readonly deadLetters?: DeadLetterStore;
  /**
   * Auth on: publish on the agent-qualified subject (`….<agent>`, the event's source — already checked against
   * the caller's token at the edge), as agents publishing to NATS directly must.
   */
  readonly agentSubjects?: boolean;
}

/** The attributes the message id is made of. */
interface Keyed {
  readonly id: string;
  readonly source: string;
}

/**
 * `Nats-Msg-Id`: the idempotency key (source, id) plus a digest of the content. The bus drops a true retry within
 * its duplicate window; a reused id with other content gets through to the projector, which reports the conflict
 * and dead-letters it instead of the bus dropping it silently.
 */
export function busMsgId(event: Keyed & Readonly<Record<string, unknown>>): string {
  const digest = createHash('sha256').update(idempotencyKey(event.source, event.id)).update('\n').update(eventContent(event)).digest('base64url');
  return `${event.id}:${digest.slice(0, 22)}`;
}

/** A validated event, ready for the bus. */
interface Sendable {
  /** Its place among the publish call's outcomes. */
  readonly index: number;
  readonly changeSet: ChangeSet;
  readonly routing: EventRouting;
  readonly payload: string;
  readonly msgId: string;
  readonly headers: Record<string, string>;
}

/** Validates once: the change set, or the error that rejects the event. */
function validate(ingestor: Pick<Ingestor, 'prepare'>, raw: RawEvent): ChangeSet | TrailgraphError {
  try {
    return ingestor.prepare(raw);
  } catch (err) {
    if (err instanceof TrailgraphError) return err;
    return new InvalidEventError(undefined, [{ pointer: '', message: err instanceof Error ? err.message : String(err) }]);
  }
}

/** The message for a validated event: routed and keyed by the event as its producer sent it. */
function toSendable(index: number, raw: RawEvent, changeSet: ChangeSet, agentSubjects: boolean): Sendable {
  const sent = publishedEvent(changeSet.event);
  // A dead letter replayed within the duplicate window would be dropped by the bus under its own id.
  const replayOf = raw.headers?.[REPLAY_HEADER];
  const msgId = busMsgId({ ...sent, id: changeSet.eventId, source: changeSet.source });
  // The NATS header carries the publish span's context while tracing (the messaging convention), else the event's.
  const traceparent = raw.headers?.traceparent ?? (typeof sent.traceparent === 'string' ? sent.traceparent : undefined);
  return {
    index,
    changeSet,
    routing: {
      type: String(sent.type),
      ...(typeof sent.subject === 'string' && { subject: sent.subject }),
      ...(agentSubjects && { agent: changeSet.source }),
    },
    payload: typeof raw.payload === 'string' ? raw.payload : JSON.stringify(raw.payload),
    msgId: replayOf === undefined ? msgId : `${msgId}:replay:${replayOf}`,
    headers: {
      ...(traceparent !== undefined && { traceparent }),
      ...(replayOf !== undefined && { [REPLAY_HEADER]: replayOf }),
    },
  };
}

/** What the ledger entry of the event's key (if any yet) says about this publish. */
function outcomeOf(s: Sendable, ack: BusPublishAck, entry: LedgerEntry | undefined, headBefore: number): PublishOutcome {
  const { eventId, source, event } = s.changeSet;
  if (!entry) return { status: 'accepted', eventId };
  if (redelivery(entry.event, event) === 'conflict') {
    // The projector dead-letters the message (reason: conflict) when it reaches it.
    return { status: 'rejected', eventId, error: new IdempotencyConflictError(eventId, source, entry.seq) };
  }
  return { status: ack.duplicate || entry.seq <= headBefore ? 'duplicate' : 'applied', eventId, seq: entry.seq };
}

/** Keeps a rejected event as received, with its reason; returns the letter's id. */
async function deadLetter(dlq: DeadLetterStore, raw: RawEvent, error: TrailgraphError): Promise<string> {
  const payload = typeof raw.payload === 'string' ? raw.payload : JSON.stringify(raw.payload);
  const issues = error instanceof InvalidEventError ? error.issues : [{ pointer: '', message: error.message }];
  const eventId = error instanceof InvalidEventError ? error.eventId : undefined;
  const letter = await dlq.put({
    reason: 'invalid', message: error.message, issues, payload,
    ...(eventId !== undefined && { eventId }),
    ...(raw.headers && { headers: raw.headers }),
  });
  return letter.id;
}

export function createNatsPublisher({ bus, ingestor, store, pollMs = 100, deadLetters, agentSubjects = false }: NatsPublisherOptions): Publisher {
  let closed = false;
  // Publishes go out one batch after another so publish order = stream order = apply order.
  let tail: Promise<unknown> = Promise.resolve();

  /** Validates each event (while tracing, as a child of its publish span); rejects and files the invalid ones. */
  const check = async (raws: readonly RawEvent[], outcomes: PublishOutcome[]): Promise<Sendable[]> => {
    const sendable: Sendable[] = [];
    for (const [index, raw] of raws.entries()) {
      const checked = tracingEnabled()
        ? await inSpan(SpanNames.validate, { parent: contextOf(raw.headers?.traceparent, context.active()) }, () => Promise.resolve(validate(ingestor, raw)))
        : validate(ingestor, raw);
      if (checked instanceof TrailgraphError) {
        const eventId = checked instanceof InvalidEventError ? checked.eventId : undefined;
        const deadLetterId = deadLetters ? await deadLetter(deadLetters, raw, checked) : undefined;
        outcomes[index] = { status: 'rejected', error: checked, ...(eventId !== undefined && { eventId }), ...(deadLetterId !== undefined && { deadLetterId }) };
      } else {
        sendable.push(toSendable(index, raw, checked, agentSubjects));
      }
    }
    return sendable;
  };

  const publishBatch = async (raws: readonly RawEvent[], waitMs: number): Promise<PublishOutcome[]> => {
    const outcomes: PublishOutcome[] = new Array<PublishOutcome>(raws.length);
    const sendable = await check(raws, outcomes);
    if (sendable.length === 0) return outcomes;
    // An entry at or below this seq was there before these publishes: a retry of it is a duplicate.
    const headBefore = await store.headSeq();
    const acks: BusPublishAck[] = [];
    for (const s of sendable) acks.push(await bus.publish(s.routing, s.payload, { msgId: s.msgId, headers: s.headers }));
    const deadline = Date.now() + waitMs;
    for (const [i, s] of sendable.entries()) {
      const key = { eventId: s.changeSet.eventId, source: s.changeSet.source };
      const entry = await waitForEvent(store, key, Math.max(0, deadline - Date.now()), pollMs);
      outcomes[s.index] = outcomeOf(s, acks[i] as BusPublishAck, entry, headBefore);
    }
    return outcomes;
  };

  return {
    publish(raws, options) {
      if (closed) return Promise.reject(new Error('publisher is closed'));
      const run = tail.then(() => publishBatch(raws, options?.waitMs ?? 0));
      tail = run.catch(() => undefined);
      return run;
    },
    async close() {
      closed = true;
      await tail;
    },
  };
}
