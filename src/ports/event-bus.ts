/**
 * The event bus port: where CloudEvents travel between publishers and the projector. Adapters: nats/ (JetStream,
 * production). Embedded mode needs no bus: the SQLite ledger is the durable log.
 *
 * Guarantees an adapter must keep:
 * - A message has a stream position (`streamSeq`) that strictly increases in publish order; consumers see
 *   messages in that order, so per-aggregate order holds with one consumer per partition.
 * - Publishing the same `msgId` again within the duplicate window stores nothing new (`duplicate: true`).
 * - A message not acked is redelivered (at most `maxDeliver` times), then reported as exhausted.
 */

/** What the bus said about one publish. */
export interface BusPublishAck {
  /** The stream position the message was stored at (the original one for a duplicate). */
  readonly streamSeq: number;
  /** True when the bus already had this msg id within its duplicate window. */
  readonly duplicate: boolean;
}

export interface BusPublishOptions {
  /** The dedupe key: the CloudEvent id. */
  readonly msgId: string;
  /** Extra headers (e.g. W3C `traceparent`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** One delivered message. Exactly one of ack / nak / term should be called. */
export interface BusMessage {
  readonly subject: string;
  /** Position in the stream: the projector's checkpoint unit. */
  readonly streamSeq: number;
  /** 1 on first delivery. */
  readonly deliveryCount: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The payload as UTF-8 text. */
  readonly data: string;
  /**
   * Optional: messages the broker still holds for this consumer after this one (not yet delivered), when the bus
   * knows it. > 0 means a backlog: the projector then gathers a fuller batch before committing.
   */
  readonly pending?: number;
  /** Optional: when the broker stored the message (epoch ms): the publish moment, for time-to-consistency. */
  readonly publishedAtMs?: number;
  ack(): void;
  /** Redeliver after `delayMs`. */
  nak(delayMs?: number): void;
  /** Never redeliver. */
  term(reason?: string): void;
  /** Still processing: resets the ack timer. */
  working(): void;
}

/** A durable, ordered, explicitly-acked subscription to the stream. */
export interface BusConsumer {
  readonly name: string;
  /** The deliveries after which a message is given up (poison). */
  readonly maxDeliver: number;
  /**
   * Optional: acknowledging (ack or term) a message also settles every earlier message of this consumer (JetStream
   * AckPolicy All). Only for a reader that settles strictly in stream order, as the projector does: it then acks
   * the last message of a committed batch once instead of each message.
   */
  readonly ackAll?: boolean;
  /** Up to `max` messages, waiting at most `expiresMs` for the first. Empty array on timeout. */
  fetch(max: number, expiresMs: number): Promise<BusMessage[]>;
  /** What the broker believes: everything ≤ `ackFloor` acked; delivered up to `delivered`. */
  state(): Promise<{ readonly ackFloor: number; readonly delivered: number }>;
  /** Recreates the consumer so delivery restarts at stream position `startSeq` (store restored, fresh store). */
  resetTo(startSeq: number): Promise<void>;
  close(): Promise<void>;
}

/** The event bus. */
export interface EventBus {
  readonly kind: string;
  /** Publishes one CloudEvent (its JSON text) on the subject derived from `event`. Retries with the same msg id. */
  publish(event: EventRouting, payload: string, options: BusPublishOptions): Promise<BusPublishAck>;
  /** Opens (creating or updating) the durable consumer the projector reads. */
  consumer(options?: { readonly startSeq?: number }): Promise<BusConsumer>;
  /** Highest stream position (0 when empty). */
  lastSeq(): Promise<number>;
  close(): Promise<void>;
}

/** The envelope attributes a subject is built from. */
export interface EventRouting {
  readonly type: string;
  /** `Class/id`; the aggregate id is the ordering/partition key. */
  readonly subject?: string;
  /** The ontology domain (e.g. `referral`). */
  readonly domain?: string;
  /**
   * The publishing agent, with auth on: it becomes the subject's last token, so NATS permissions generated from
   * the policy can hold each agent to its own subjects, and the projector can check `source` against it.
   */
  readonly agent?: string;
}
