/**
 * The EventBus over NATS JetStream (`@nats-io/transport-node` + `@nats-io/jetstream` v3).
 *
 * Publishing retries on timeout / connection loss with the SAME `Nats-Msg-Id`, so a broker restart in the middle
 * of a publish never stores the event twice (within the stream's duplicate window; beyond it the ledger's event-id
 * idempotency still applies it once).
 */
import { headers as natsHeaders, connect, type NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreUnavailableError } from '../../core/errors.ts';
import type { BusConsumer, BusPublishAck, BusPublishOptions, EventBus, EventRouting } from '../../ports/event-bus.ts';
import { openPullConsumer, type ConsumerSettings } from './pull-consumer.ts';
import { ensureStream } from './streams.ts';
import { EVENTS_PREFIX, eventSubject } from './subjects.ts';

export interface JetStreamBusOptions {
  readonly url: string;
  readonly stream?: string;
  /** The ontology domain: the `<domain>` subject token. */
  readonly domain?: string;
  readonly durable?: string;
  readonly maxAgeMs?: number;
  readonly duplicateWindowMs?: number;
  readonly ackWaitMs?: number;
  readonly maxDeliver?: number;
  readonly backoffMs?: readonly number[];
  readonly maxAckPending?: number;
  /** How long a consumer fetch waits for its batch to fill once a message is there (see ConsumerSettings). */
  readonly lingerMs?: number;
  /** Give up publishing after this long (connection loss, broker restart). */
  readonly publishTimeoutMs?: number;
  /** Connection name shown in the server's monitoring. */
  readonly name?: string;
  /** Copies of the event stream: 1 on a single server, 3 on a 3-node cluster. Unset: 1 for a new stream, an existing one keeps its count. */
  readonly replicas?: number;
}

/** A JetStream bus, plus the raw handles for the other NATS adapters (dead letters, replay). */
export interface JetStreamBus extends EventBus {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly streamName: string;
  readonly consumerSettings: ConsumerSettings;
  /** Reads stored events in order from a stream position or time up to the stream's last seq at call time. */
  read(from: { readonly seq?: number; readonly time?: string }): AsyncIterable<StoredEvent>;
}

/** One event as stored in the stream. */
export interface StoredEvent {
  readonly streamSeq: number;
  readonly subject: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly data: string;
  /** When the stream stored it. */
  readonly time: string;
}

/** `nats://a:4222,nats://b:4222` → the servers to try (a cluster's URLs, comma-separated as TRAILGRAPH_NATS_URL takes them). */
export function natsServers(url: string): string[] {
  return url.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * Connects with unlimited reconnects (a broker restart must not kill the service). `url` may list several servers
 * (comma-separated): the client connects to one and moves to another when it goes away.
 *
 * A node that hangs without closing its sockets (a stalled VM, SIGSTOP) is noticed by missed pings: every 15 s,
 * three missed → reconnect elsewhere after ~45 s, instead of the client default of 2 min × 2 during which every
 * publish on this connection would wait.
 */
export async function connectNats(url: string, name = 'trailgraph'): Promise<NatsConnection> {
  const { servers, user, pass } = natsCredentials(url);
  try {
    return await connect({ servers, name, maxReconnectAttempts: -1, reconnectTimeWait: 250, timeout: 5000, pingInterval: 15_000, maxPingOut: 3, ...(user !== undefined && { user, pass: pass ?? '' }) });
  } catch (err) {
    throw new StoreUnavailableError(`cannot connect to NATS at ${servers.join(',')}: ${(err as Error).message} — is nats-server running (with JetStream)?`, { cause: err });
  }
}

/**
 * `nats://user:password@host:4222` (the usual URL form, e.g. the service's user from the generated permissions):
 * the credentials become connect options and are removed from the servers, so no message ever shows them.
 */
export function natsCredentials(url: string): { servers: string[]; user?: string; pass?: string } {
  let user: string | undefined;
  let pass: string | undefined;
  const servers = natsServers(url).map((s) => {
    const m = /^([a-z]+:\/\/)([^@/]*)@(.*)$/i.exec(s);
    if (!m) return s;
    const [, scheme, auth, rest] = m as unknown as [string, string, string, string];
    const colon = auth.indexOf(':');
    user = decodeURIComponent(colon === -1 ? auth : auth.slice(0, colon));
    pass = colon === -1 ? undefined : decodeURIComponent(auth.slice(colon + 1));
    return `${scheme}${rest}`;
  });
  return { servers, ...(user !== undefined && { user }), ...(pass !== undefined && { pass }) };
}

/** The projector's consumer settings for these options, with the defaults (also what the ingest bench's raw side uses). */
export function projectorConsumerSettings(options: Omit<JetStreamBusOptions, 'url'>): ConsumerSettings {
  return {
    stream: options.stream ?? 'TG_EVENTS',
    durable: options.durable ?? 'trailgraph-projector',
    filterSubject: `${EVENTS_PREFIX}.>`,
    ackWaitMs: options.ackWaitMs ?? 30_000,
    maxDeliver: options.maxDeliver ?? 5,
    ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}),
    maxAckPending: options.maxAckPending ?? 1000,
    lingerMs: options.lingerMs ?? 10,
  };
}

export async function createJetStreamBus(options: JetStreamBusOptions): Promise<JetStreamBus> {
  const streamName = options.stream ?? 'TG_EVENTS';
  const domain = options.domain ?? 'default';
  const nc = await connectNats(options.url, options.name);
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await ensureStream(jsm, {
    name: streamName,
    subjects: [`${EVENTS_PREFIX}.>`],
    maxAgeMs: options.maxAgeMs ?? 0,
    duplicateWindowMs: options.duplicateWindowMs ?? 120_000,
    ...(options.replicas !== undefined && { replicas: options.replicas }),
  });
  const consumerSettings = projectorConsumerSettings(options);
  const publishTimeoutMs = options.publishTimeoutMs ?? 30_000;
  const consumers: BusConsumer[] = [];

  return {
    kind: 'nats',
    nc,
    js,
    jsm,
    streamName,
    consumerSettings,
    async publish(event: EventRouting, payload: string, opts: BusPublishOptions): Promise<BusPublishAck> {
      const subject = eventSubject(event.domain ?? domain, event.type, event.subject, event.agent);
      const deadline = Date.now() + publishTimeoutMs;
      for (let attempt = 0; ; attempt++) {
        const h = natsHeaders();
        for (const [k, v] of Object.entries(opts.headers ?? {})) h.set(k, v);
        try {
          const ack = await js.publish(subject, payload, { msgID: opts.msgId, headers: h, timeout: 5000 });
          return { streamSeq: ack.seq, duplicate: ack.duplicate };
        } catch (err) {
          if (Date.now() >= deadline) {
            throw new StoreUnavailableError(`publishing ${opts.msgId} to JetStream failed for ${publishTimeoutMs} ms: ${(err as Error).message}`, { cause: err });
          }
          await sleep(Math.min(1000, 50 * 2 ** attempt));
        }
      }
    },
    async consumer(o) {
      const c = await openPullConsumer(js, jsm, consumerSettings, o?.startSeq);
      consumers.push(c);
      return c;
    },
    async lastSeq() {
      return (await jsm.streams.info(streamName)).state.last_seq;
    },
    async *read(from) {
      const last = (await jsm.streams.info(streamName)).state.last_seq;
      if (last === 0) return;
      const consumer = await js.consumers.get(streamName, from.time
        ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(from.time).toISOString() }
        : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Math.max(1, from.seq ?? 1) });
      const messages = await consumer.consume({ max_messages: 500 });
      try {
        for await (const m of messages) {
          const headers: Record<string, string> = {};
          if (m.headers) for (const [k, v] of m.headers) headers[k] = v.join(',');
          yield { streamSeq: m.seq, subject: m.subject, headers, data: m.string(), time: m.time.toISOString() };
          if (m.seq >= last || m.info.pending === 0) break;
        }
      } finally {
        messages.stop();
      }
    },
    async close() {
      for (const c of consumers) await c.close();
      await nc.drain().catch(() => nc.close());
    },
  };
}
