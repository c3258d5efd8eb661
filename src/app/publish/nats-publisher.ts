/**
 * NATS mode's publisher: validate first (an invalid event is rejected at once, 422 semantics, never reaches the
 * bus, and — like everywhere else — is kept in dead letters with the reason when a dead-letter store is given), publish to JetStream with `Nats-Msg-Id` = the idempotency key and a content digest (busMsgId), and when `waitMs` is set wait until the projector
 * has committed it (read-your-writes) → `applied`/`duplicate` with its seq; otherwise `accepted`.
 */
import { createHash } from 'node:crypto';
import { IdempotencyConflictError, InvalidEventError, TrailgraphError } from '../../core/errors.ts';
import { eventContent, idempotencyKey, redelivery } from '../../core/events/idempotency.ts';
import type { DeadLetterStore } from '../../ports/dead-letters.ts';
import type { EventBus } from '../../ports/event-bus.ts';
import type { GraphStore, LedgerEntry } from '../../ports/graph-store.ts';
import type { Ingestor, RawEvent } from '../ingest/ingest.ts';
import type { PublishOutcome, Publisher } from './publisher.ts';
import { SpanNames, context, contextOf, inSpan, tracingEnabled } from '../../observability/spans.ts';

/** RawEvent header marking a dead-letter replay (value: the letter id): published under a fresh msg id. */
export const REPLAY_HEADER = 'Tg-Replay-Of';

export interface NatsPublisherOptions {
  readonly bus: EventBus;
  /** Validation only: `prepare` throws for an event that can never apply. */
  readonly ingestor: Pick<Ingestor, 'prepare'>;
  readonly store: Pick<GraphStore, 'findEvent' | 'onCommit'>;
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

interface Envelope {
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject?: string;
  readonly traceparent?: string;
}

function parse(raw: RawEvent): { text: string; envelope: Envelope } {
  const text = typeof raw.payload === 'string' ? raw.payload : JSON.stringify(raw.payload);
  const envelope = JSON.parse(text) as Envelope;
  return { text, envelope };
}

async function validate(ingestor: Pick<Ingestor, 'prepare'>, raw: RawEvent): Promise<TrailgraphError | undefined> {
  try {
    ingestor.prepare(raw);
    return undefined;
  } catch (err) {
    if (err instanceof TrailgraphError) return err;
    return new InvalidEventError(undefined, [{ pointer: '', message: err instanceof Error ? err.message : String(err) }]);
  }
}

/** Waits until the ledger has `eventId`, up to `ms`. */
async function waitForEvent(store: NatsPublisherOptions['store'], eventId: string, ms: number, pollMs: number): Promise<LedgerEntry | undefined> {
  const found = await store.findEvent(eventId);
  if (found || ms <= 0) return found;
  return new Promise((resolve) => {
    let done = false;
    const finish = (entry: LedgerEntry | undefined): void => {
      if (done) return;
      done = true;
      unsubscribe();
      clearInterval(poll);
      clearTimeout(timer);
      resolve(entry);
    };
    const unsubscribe = store.onCommit((entries) => {
      const hit = entries.find((e) => e.eventId === eventId);
      if (hit) finish(hit);
    });
    const poll = setInterval(() => {
      store.findEvent(eventId).then((e) => e && finish(e), () => undefined);
    }, pollMs);
    const timer = setTimeout(() => finish(undefined), ms);
  });
}

/** Keeps a rejected event as received, with its reason; returns the letter's id. */
async function deadLetter(dlq: DeadLetterStore, raw: RawEvent, error: TrailgraphError, eventId: string | undefined): Promise<string> {
  const payload = typeof raw.payload === 'string' ? raw.payload : JSON.stringify(raw.payload);
  const issues = error instanceof InvalidEventError ? error.issues : [{ pointer: error instanceof IdempotencyConflictError ? error.pointer : '', message: error.message }];
  const letter = await dlq.put({
    reason: error instanceof IdempotencyConflictError ? 'conflict' : 'invalid', message: error.message, issues, payload,
    ...(eventId !== undefined && { eventId }),
    ...(raw.headers && { headers: raw.headers }),
  });
  return letter.id;
}

/**
 * `Nats-Msg-Id`: the idempotency key (source, id) plus a digest of the content. The bus drops a true retry within
 * its duplicate window; a reused id with other content gets through to the projector, which reports the conflict
 * and dead-letters it instead of the bus dropping it silently.
 */
export function busMsgId(envelope: Envelope): string {
  const digest = createHash('sha256').update(idempotencyKey(envelope.source, envelope.id)).update('\n').update(eventContent(envelope as unknown as Record<string, unknown>)).digest('base64url');
  return `${envelope.id}:${digest.slice(0, 22)}`;
}

export function createNatsPublisher({ bus, ingestor, store, pollMs = 100, deadLetters, agentSubjects = false }: NatsPublisherOptions): Publisher {
  let closed = false;
  // Publishes go out one batch after another so publish order = stream order = apply order.
  let tail: Promise<unknown> = Promise.resolve();
  return {
    publish(raws, options) {
      if (closed) return Promise.reject(new Error('publisher is closed'));
      const run = tail.then(async () => {
        const outcomes: PublishOutcome[] = [];
        const sent: { index: number; eventId: string; duplicate: boolean }[] = [];
        for (const raw of raws) {
          // While tracing, validation is a child of the event's publish span (its context is the raw's header).
          const error = tracingEnabled()
            ? await inSpan(SpanNames.validate, { parent: contextOf(raw.headers?.traceparent, context.active()) }, () => validate(ingestor, raw))
            : await validate(ingestor, raw);
          if (error) {
            const eventId = error instanceof InvalidEventError ? error.eventId : undefined;
            const deadLetterId = deadLetters ? await deadLetter(deadLetters, raw, error, eventId) : undefined;
            outcomes.push({ status: 'rejected', error, ...(eventId !== undefined && { eventId }), ...(deadLetterId !== undefined && { deadLetterId }) });
            continue;
          }
          const { text, envelope } = parse(raw);
          const already = await store.findEvent(envelope.id);
          if (already && already.source === envelope.source) {
            if (redelivery(already.event, envelope as unknown as Record<string, unknown>) === 'duplicate') {
              outcomes.push({ status: 'duplicate', eventId: envelope.id, seq: already.seq });
            } else {
              const conflict = new IdempotencyConflictError(envelope.id, envelope.source, already.seq);
              const deadLetterId = deadLetters ? await deadLetter(deadLetters, raw, conflict, envelope.id) : undefined;
              outcomes.push({ status: 'rejected', error: conflict, eventId: envelope.id, ...(deadLetterId !== undefined && { deadLetterId }) });
            }
            continue;
          }
          // A dead letter replayed within the duplicate window would be dropped by the bus under its own id.
          const replayOf = raw.headers?.[REPLAY_HEADER];
          // The NATS header carries the publish span's context while tracing (the messaging convention), else the event's.
          const traceparent = raw.headers?.traceparent ?? envelope.traceparent;
          const headers: Record<string, string> = {
            ...(traceparent !== undefined && { traceparent }),
            ...(replayOf !== undefined && { [REPLAY_HEADER]: replayOf }),
          };
          const routing = {
            type: envelope.type,
            ...(envelope.subject !== undefined && { subject: envelope.subject }),
            ...(agentSubjects && typeof envelope.source === 'string' && { agent: envelope.source }),
          };
          const ack = await bus.publish(routing, text, {
            msgId: replayOf === undefined ? busMsgId(envelope) : `${busMsgId(envelope)}:replay:${replayOf}`,
            headers,
          });
          sent.push({ index: outcomes.length, eventId: envelope.id, duplicate: ack.duplicate });
          outcomes.push({ status: 'accepted', eventId: envelope.id });
        }
        const waitMs = options?.waitMs ?? 0;
        if (waitMs > 0 && sent.length > 0) {
          const deadline = Date.now() + waitMs;
          for (const s of sent) {
            const entry = await waitForEvent(store, s.eventId, Math.max(0, deadline - Date.now()), pollMs);
            if (entry) outcomes[s.index] = { status: s.duplicate ? 'duplicate' : 'applied', eventId: s.eventId, seq: entry.seq };
          }
        }
        return outcomes;
      });
      tail = run.catch(() => undefined);
      return run;
    },
    async close() {
      closed = true;
      await tail;
    },
  };
}
