/**
 * The projector's durable pull consumer: explicit ack, bounded max_deliver with backoff, filter subject.
 *
 * After create/update the stored config is READ BACK and compared with what we asked for: servers older than a
 * feature silently drop fields they do not know (nats-server 2.9 ignores newer consumer fields), and running
 * with, say, unbounded redelivery instead of max_deliver would turn a poison event into an endless loop.
 */
import {
  AckPolicy,
  DeliverPolicy,
  ReplayPolicy,
  type ConsumerConfig,
  type ConsumerInfo,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { ConfigError } from '../../core/errors.ts';
import type { BusConsumer, BusMessage } from '../../ports/event-bus.ts';

export interface ConsumerSettings {
  readonly stream: string;
  readonly durable: string;
  readonly filterSubject: string;
  /** How long a delivered message may stay un-acked before redelivery. */
  readonly ackWaitMs: number;
  /** Deliveries before a message is given up as poison. */
  readonly maxDeliver: number;
  /** Redelivery delays after ack timeouts (length < maxDeliver). Default: ackWait doubling. */
  readonly backoffMs?: readonly number[];
  readonly maxAckPending: number;
  /**
   * Client side, not a server field: once a message is buffered, `fetch` waits up to this long for the batch to
   * fill before returning — but only when the previous fetch came back full (a backlog: keep batches big).
   * Without it a busy projector commits a transaction per handful of messages (measured: 3.4 events per batch
   * under load), and per-commit cost dominates; lingering at a low rate, though, only adds its delay to every
   * event (measured: publish → commit p50 ~10 ms at 100 and 1,000 events/s). 0 = never linger.
   */
  readonly lingerMs?: number;
}

function defaultBackoff(s: ConsumerSettings): number[] {
  return Array.from({ length: Math.max(1, s.maxDeliver - 1) }, (_, i) => s.ackWaitMs * 2 ** i);
}

/**
 * The config we ask the server for. Ack policy All: the projector settles messages strictly in stream order (a
 * batch is acked after its commit, a dead-lettered message is terminated only after every earlier one is settled),
 * so one ack of a batch's last message settles the batch — one ack message per batch instead of per event, on the
 * client and on the server. A term of one message still stops its redelivery (it settles it and those before it,
 * all already committed or dead-lettered); the projector never naks.
 */
export function consumerConfig(s: ConsumerSettings, startSeq?: number): Partial<ConsumerConfig> {
  const backoff = (s.backoffMs ?? defaultBackoff(s)).map((ms) => nanos(ms));
  return {
    durable_name: s.durable,
    ack_policy: AckPolicy.All,
    // The server sets ack_wait to backoff[0] when a backoff list is given; ask for that consistently.
    ack_wait: backoff[0] ?? nanos(s.ackWaitMs),
    max_deliver: s.maxDeliver,
    backoff,
    max_ack_pending: s.maxAckPending,
    filter_subject: s.filterSubject,
    replay_policy: ReplayPolicy.Instant,
    ...(startSeq !== undefined && startSeq > 1
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq }
      : { deliver_policy: DeliverPolicy.All }),
  };
}

/** Whether consumers made from these settings settle with AckPolicy All. */
function wantedAckAll(s: ConsumerSettings): boolean {
  return consumerConfig(s).ack_policy === AckPolicy.All;
}

/** Throws ConfigError naming the first setting the server did not keep. */
export function verifyConsumerConfig(wanted: Partial<ConsumerConfig>, stored: ConsumerConfig): void {
  const fields = ['ack_policy', 'ack_wait', 'max_deliver', 'backoff', 'max_ack_pending', 'filter_subject'] as const;
  for (const field of fields) {
    const want = JSON.stringify(wanted[field] ?? null);
    const got = JSON.stringify(stored[field] ?? null);
    if (want !== got) {
      throw new ConfigError(
        `nats.consumer.${field}`,
        `consumer ${wanted.durable_name ?? '?'} was stored with ${field}=${got} but trailgraph asked for ${want}; ` +
          'the server dropped or changed the setting (too old? trailgraph runs on nats-server ≥ 2.11 and is tested on the release in deploy/nats/VERSION) — upgrade the server or fix the consumer',
      );
    }
  }
}

/** Creates or updates the durable consumer and verifies the stored config. */
export async function ensureConsumer(jsm: JetStreamManager, s: ConsumerSettings, startSeq?: number): Promise<ConsumerInfo> {
  const wanted = consumerConfig(s, startSeq);
  let info: ConsumerInfo | undefined;
  try {
    info = await jsm.consumers.info(s.stream, s.durable);
  } catch {
    info = undefined;
  }
  // A new start position, or an ack policy the server cannot update in place (a consumer made by an older version
  // with explicit acks): recreate it. The projector then resets it to its own checkpoint anyway.
  // A pause in force (a migration running: consumer-pause.ts) survives a projector (re)start: an update or a
  // recreate without pause_until would resume delivery in the middle of the migration.
  const pauseUntil = info?.config.pause_until;
  const paused = pauseUntil && Date.parse(pauseUntil) > Date.now() ? { pause_until: pauseUntil } : {};
  if (info && (startSeq !== undefined || info.config.ack_policy !== wanted.ack_policy)) {
    await jsm.consumers.delete(s.stream, s.durable);
    info = undefined;
  }
  if (info) {
    // deliver_policy / opt_start_seq cannot change on update; the rest can.
    const { deliver_policy: _dp, opt_start_seq: _os, durable_name: _dn, replay_policy: _rp, ack_policy: _ap, ...update } = wanted;
    await jsm.consumers.update(s.stream, s.durable, { ...update, ...paused });
  } else {
    await jsm.consumers.add(s.stream, { ...wanted, ...paused });
  }
  const stored = await jsm.consumers.info(s.stream, s.durable); // read back, never trust the request
  verifyConsumerConfig(wanted, stored.config);
  return stored;
}

/**
 * A JetStream message as a BusMessage. A class, not an object of closures: this runs once per message on the
 * projector's hot path, and four fresh closures per message showed in its profile.
 */
class JsBusMessage implements BusMessage {
  readonly subject: string;
  readonly streamSeq: number;
  readonly deliveryCount: number;
  readonly data: string;
  readonly pending: number;
  readonly #m: JsMsg;
  #headers: Record<string, string> | undefined;
  constructor(m: JsMsg) {
    const info = m.info;
    this.#m = m;
    this.subject = m.subject;
    this.streamSeq = info.streamSequence;
    this.deliveryCount = info.deliveryCount;
    this.pending = info.pending;
    this.data = m.string();
  }
  get publishedAtMs(): number {
    return this.#m.info.timestampNanos / 1e6;
  }
  /** Decoded on first use: only a dead letter needs them. */
  get headers(): Readonly<Record<string, string>> {
    if (!this.#headers) {
      const headers: Record<string, string> = {};
      if (this.#m.headers) for (const [k, v] of this.#m.headers) headers[k] = v.join(',');
      this.#headers = headers;
    }
    return this.#headers;
  }
  ack(): void {
    this.#m.ack();
  }
  nak(delayMs?: number): void {
    this.#m.nak(delayMs);
  }
  term(reason?: string): void {
    this.#m.term(reason);
  }
  working(): void {
    this.#m.working();
  }
}

const toBusMessage = (m: JsMsg): BusMessage => new JsBusMessage(m);

/**
 * A BusConsumer over `consume()`: the client keeps pulls open and buffers up to `bufferSize` messages, and
 * `fetch` hands out what is buffered (waiting only when nothing is), so batches form under load without adding
 * latency when idle.
 */
export async function openPullConsumer(js: JetStreamClient, jsm: JetStreamManager, s: ConsumerSettings, startSeq?: number): Promise<BusConsumer> {
  await ensureConsumer(jsm, s, startSeq);
  const bufferSize = Math.max(1, Math.min(s.maxAckPending, 1000));
  const lingerMs = s.lingerMs ?? 0;
  let queue: JsMsg[] = [];
  let wake: (() => void) | undefined;
  let messages: ConsumerMessages | undefined;
  let closed = false;
  let generation = 0;
  /** The previous fetch returned a full batch: messages are arriving faster than they are applied. */
  let backlog = false;

  const start = async (): Promise<void> => {
    const mine = ++generation;
    const consumer = await js.consumers.get(s.stream, s.durable);
    const iter = await consumer.consume({ max_messages: bufferSize });
    messages = iter;
    void (async () => {
      try {
        for await (const m of iter) {
          // After resetTo, messages still buffered in the old iterator belong to the deleted consumer: drop them.
          if (mine !== generation) break;
          queue.push(m);
          wake?.();
        }
      } catch {
        // consume() recovers from disconnects itself; it only ends on stop() or a fatal error
      }
    })();
  };
  await start();

  return {
    name: s.durable,
    maxDeliver: s.maxDeliver,
    ackAll: wantedAckAll(s),
    async fetch(max, expiresMs) {
      /** Waits until the queue holds `want` messages, at most `ms`. */
      const waitFor = async (want: number, ms: number): Promise<void> => {
        if (queue.length >= want || closed || ms <= 0) return;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          wake = () => {
            if (queue.length < want && !closed) return;
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      };
      await waitFor(1, expiresMs);
      if (queue.length > 0 && backlog) await waitFor(max, lingerMs);
      const batch = queue.splice(0, max);
      backlog = batch.length >= max;
      return batch.map(toBusMessage);
    },
    async state() {
      const info = await jsm.consumers.info(s.stream, s.durable);
      return { ackFloor: info.ack_floor.stream_seq, delivered: info.delivered.stream_seq };
    },
    async resetTo(seq) {
      generation++;
      messages?.stop();
      queue = [];
      await ensureConsumer(jsm, s, seq);
      await start();
    },
    async close() {
      closed = true;
      messages?.stop();
      wake?.(); // closed: every waiter resolves
    },
  };
}
