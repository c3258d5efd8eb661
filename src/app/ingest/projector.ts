/**
 * The projector: reads the event stream in order and applies it to the graph through the ingestor, committing the
 * stream position (checkpoint) in the same transaction as the changes. Acks only after the commit.
 *
 * Resuming: the STORE's checkpoint is the truth, not the broker's ack floor. On start, unless the broker's
 * consumer has delivered exactly up to the checkpoint, the consumer is recreated to deliver from checkpoint+1
 * (store restored from a backup, fresh store, or a crashed predecessor's unacked deliveries that would otherwise
 * come back late, after newer events). Messages at or below the checkpoint are acked without being applied.
 *
 * Ordering: one projector consumes the stream in order, so per-aggregate order holds. A failure never lets a
 * later event overtake an earlier one: a gap in stream positions makes the consumer restart at the gap, and a
 * retryable store failure holds the batch and retries it in-process (keeping its messages alive with `working()`)
 * rather than nak-ing, because a nak lets the following messages be applied first.
 * Pipelining: while batch N is applied and committed on this thread, batch N+1 is already fetched and being
 * validated and planned (in the ingestor's prepare worker, when it has one). Batch N+1 is applied only after N
 * committed and was acked, so order, the checkpoint and ack-after-commit are exactly as without the pipeline.
 * Scaling out: partition the subjects by aggregate id (NATS subject mapping `partition(N, 5)` on the
 * aggregate token) and run one projector per partition, each with its own durable consumer and checkpoint name.
 */
import { StoreUnavailableError } from '../../core/errors.ts';
import type { DeadLetterStore } from '../../ports/dead-letters.ts';
import type { BusConsumer, BusMessage, EventBus } from '../../ports/event-bus.ts';
import type { GraphStore } from '../../ports/graph-store.ts';
import { createCrashGuard, POISON_CONFIRMATIONS, type CrashGuard } from './crash-guard.ts';
import type { Ingestor, PreparedBatch, RawEvent } from './ingest.ts';

/** The slice of the ingestor (ingest.ts) the projector uses; without `prepareBatch` nothing is prepared ahead. */
export type ProjectorIngestor = Pick<Ingestor, 'ingest'> & Partial<Pick<Ingestor, 'prepareBatch'>>;

/** A bus message as handed to the ingestor: the payload exactly as received plus where it came from. */
export interface ProjectorRawEvent extends RawEvent {
  readonly payload: string;
  readonly subject: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly deliveries: number;
  /** When the bus stored it (epoch ms), when the bus says. */
  readonly publishedAtMs?: number;
}

/** A bus message as a raw event; headers are read (and decoded, by the adapter) only if a dead letter needs them. */
class BusRawEvent implements ProjectorRawEvent {
  readonly #m: BusMessage;
  constructor(m: BusMessage) {
    this.#m = m;
  }
  get payload(): string {
    return this.#m.data;
  }
  get subject(): string {
    return this.#m.subject;
  }
  get headers(): Readonly<Record<string, string>> {
    return this.#m.headers;
  }
  get deliveries(): number {
    return this.#m.deliveryCount;
  }
  get publishedAtMs(): number | undefined {
    return this.#m.publishedAtMs;
  }
}

/**
 * The reason sent with a TERM (nats-server ≥ 2.11 puts it in the consumer's MSG_TERMINATED advisory): an operator
 * watching advisories sees why a message was given up and where its dead letter is, without opening the store.
 * One line, bounded: it travels in a protocol message.
 */
export function termReason(what: string, detail: string | undefined): string {
  const line = (detail ?? '').split('\n', 1)[0] ?? '';
  return `${what}${line ? `: ${line.length > 200 ? `${line.slice(0, 199)}…` : line}` : ''}`;
}

export interface ProjectorOptions {
  readonly bus: EventBus;
  readonly ingestor: ProjectorIngestor;
  /** With getMeta/setMeta, batches are marked in flight so a message that crashes the process is found (crash-guard.ts). */
  readonly store: Pick<GraphStore, 'getCheckpoint'> & Partial<Pick<GraphStore, 'getMeta' | 'setMeta'>>;
  /** Where poison messages go (deliveries exhausted on an unexpected error). */
  readonly deadLetters: DeadLetterStore;
  readonly batchSize?: number;
  readonly checkpointName?: string;
  /** How long a fetch waits for the first message. */
  readonly idleWaitMs?: number;
  /**
   * Under a backlog (the broker says more messages are waiting), keep fetching for up to this long to fill the
   * batch before committing. Without it a busy projector commits whatever one socket read brought (measured: 7
   * events per transaction and half the throughput). Never waits when nothing is pending: no delay at low rates.
   */
  readonly gatherMs?: number;
  /** First delay of the store-unavailable retry (doubles, capped at 5 s). */
  readonly retryDelayMs?: number;
  readonly log?: (line: string) => void;
}

export interface Projector {
  /** Opens the consumer at the store's checkpoint and starts the loop. */
  start(): Promise<void>;
  /** Stops after the batch in flight commits. */
  stop(): Promise<void>;
  /** The last committed stream position. */
  readonly position: number;
  /** Resolves once position ≥ `streamSeq`. */
  reached(streamSeq: number): Promise<void>;
}

export function createProjector(options: ProjectorOptions): Projector {
  const { bus, ingestor, store, deadLetters } = options;
  const batchSize = options.batchSize ?? 256;
  const checkpointName = options.checkpointName ?? 'nats:projector';
  const idleWaitMs = options.idleWaitMs ?? 1000;
  const gatherMs = options.gatherMs ?? 10;
  const retryDelayMs = options.retryDelayMs ?? 200;
  const log = options.log ?? ((line: string) => process.stderr.write(`projector: ${line}\n`));
  let consumer: BusConsumer | undefined;
  let position = 0;
  let running = false;
  let loop: Promise<void> | undefined;
  /** The expected next position; a message beyond it is a gap we reset once for. */
  let resetFor = -1;
  /** True until the first message after a reset: only that one may legitimately skip (expired messages). */
  let justReset = false;
  const waiters: { seq: number; resolve: () => void }[] = [];
  const attempts = new Map<number, number>();
  let guard: CrashGuard | undefined;

  const advance = (seq: number): void => {
    position = Math.max(position, seq);
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i];
      if (w && w.seq <= position) {
        waiters.splice(i, 1);
        w.resolve();
      }
    }
  };

  const toRaw = (m: BusMessage): ProjectorRawEvent => new BusRawEvent(m);

  /** Files the message as a poison dead letter; returns the letter's id. */
  const poison = async (m: BusMessage, err: unknown): Promise<string> => {
    let eventId: string | undefined;
    try {
      eventId = (JSON.parse(m.data) as { id?: unknown }).id as string | undefined;
    } catch {
      eventId = m.headers['Nats-Msg-Id'];
    }
    const letter = await deadLetters.put({
      reason: 'poison',
      message: `deliveries exhausted at stream seq ${m.streamSeq}: ${err instanceof Error ? err.message : String(err)}`,
      issues: [],
      subject: m.subject,
      headers: m.headers,
      payload: m.data,
      deliveries: m.deliveryCount + (attempts.get(m.streamSeq) ?? 0),
      ...(typeof eventId === 'string' ? { eventId } : {}),
    });
    return letter.id;
  };

  /** Applies messages in one transaction; returns false when a retryable failure should be retried. */
  const applyBatch = async (batch: readonly BusMessage[], prepared?: Promise<PreparedBatch | undefined>): Promise<void> => {
    const last = batch[batch.length - 1];
    if (!last) return;
    const raws = batch.map(toRaw);
    for (let delay = retryDelayMs; ; delay = Math.min(delay * 2, 5000)) {
      try {
        const results = await ingestor.ingest(raws, { checkpoint: { name: checkpointName, position: last.streamSeq }, ...(prepared && { prepared }) });
        const ackAll = consumer?.ackAll === true;
        batch.forEach((m, i) => {
          // rejected = dead-lettered by the ingestor in the same pass: never redeliver
          const r = results[i];
          if (r?.status === 'rejected') m.term(termReason(`dead-lettered${r.deadLetterId ? ` as ${r.deadLetterId}` : ''}`, r.error?.message));
          // Ack-all consumer: the last message's ack settles the whole committed batch (terms above went first).
          else if (!ackAll || m === last) m.ack();
          attempts.delete(m.streamSeq);
        });
        advance(last.streamSeq);
        return;
      } catch (err) {
        if (err instanceof StoreUnavailableError) {
          log(`store unavailable, retrying in ${delay} ms: ${err.message}`);
          for (const m of batch) m.working();
          await new Promise((r) => setTimeout(r, delay));
          if (!running) return;
          continue;
        }
        if (batch.length > 1) {
          // Isolate the message that fails: apply one by one, in order.
          for (const m of batch) await applyBatch([m]);
          return;
        }
        const n = (attempts.get(last.streamSeq) ?? 0) + 1;
        attempts.set(last.streamSeq, n);
        if (last.deliveryCount + n - 1 >= (consumer?.maxDeliver ?? 5)) {
          log(`poison message at stream seq ${last.streamSeq}: ${(err as Error).message}`);
          const letter = await poison(last, err);
          last.term(termReason(`poison, dead-lettered as ${letter}`, (err as Error).message));
          attempts.delete(last.streamSeq);
          // The checkpoint does not move for a poison message; the next commit carries a higher position.
          advance(last.streamSeq);
          return;
        }
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  };

  /**
   * applyBatch behind the crash guard: the range is marked in flight first; a range that crashed the process
   * too often is applied one message at a time, and the message that crashed alone is dead-lettered unapplied.
   */
  const applyGuarded = async (batch: readonly BusMessage[], prepared?: Promise<PreparedBatch | undefined>): Promise<void> => {
    const first = batch[0];
    const last = batch[batch.length - 1];
    if (!first || !last) return;
    if (!guard) return applyBatch(batch, prepared);
    if (!guard.isolating(first.streamSeq)) {
      await guard.mark(first.streamSeq, last.streamSeq);
      return applyBatch(batch, prepared);
    }
    for (const m of batch) {
      if (guard.isPoison(m.streamSeq)) {
        const crashes = guard.crashes(m.streamSeq);
        log(`poison message at stream seq ${m.streamSeq}: it crashed the projector process (${crashes} crashes of its range, the last ${POISON_CONFIRMATIONS} applied alone)`);
        const letter = await poison(m, new Error(`it crashed the projector process ${crashes} times (the last ${POISON_CONFIRMATIONS} times applied alone)`));
        m.term(termReason(`poison, dead-lettered as ${letter}`, `crashed the projector process ${crashes} times`));
        // Move the checkpoint past it, or the next start would deliver it again.
        await ingestor.ingest([], { checkpoint: { name: checkpointName, position: m.streamSeq } });
        guard.cleared(m.streamSeq);
        advance(m.streamSeq);
        continue;
      }
      await guard.markSingle(m.streamSeq);
      await applyBatch([m]);
    }
  };

  /** The fetched batch whose preparation runs while the previous one is applied. */
  let pending: { readonly msgs: readonly BusMessage[]; readonly prepared: Promise<PreparedBatch | undefined> | undefined } | undefined;
  /** The last stream position taken into a batch (committed or pending). */
  const horizon = (): number => pending?.msgs[pending.msgs.length - 1]?.streamSeq ?? position;
  const commitPending = async (): Promise<void> => {
    const p = pending;
    pending = undefined;
    if (p) await applyGuarded(p.msgs, p.prepared);
  };

  const runOnce = async (c: BusConsumer): Promise<void> => {
    // With a batch pending, take only what is already buffered: the pending batch must not wait for traffic.
    let msgs = await c.fetch(batchSize, pending ? 0 : idleWaitMs);
    const deadline = Date.now() + gatherMs;
    for (let left = gatherMs; msgs.length > 0 && msgs.length < batchSize && (msgs[msgs.length - 1]?.pending ?? 0) > 0 && left > 0; left = deadline - Date.now()) {
      const more = await c.fetch(batchSize - msgs.length, left);
      if (more.length === 0) break;
      msgs = msgs.concat(more);
    }
    const firstAfterReset = justReset && msgs.length > 0;
    if (msgs.length > 0) justReset = false;
    const fresh: BusMessage[] = [];
    const base = horizon();
    for (const m of msgs) {
      const expected = base + 1 + fresh.length;
      if (m.streamSeq <= base || (fresh.length > 0 && m.streamSeq <= (fresh[fresh.length - 1]?.streamSeq ?? 0))) {
        // A late redelivery: ack it when committed; a copy of a pending message is acked with the original.
        if (m.streamSeq <= position) m.ack();
        continue;
      }
      if (m.streamSeq > expected && !(firstAfterReset && m === msgs[0] && resetFor === expected)) {
        // A gap: earlier messages were delivered to a dead connection and would come back after newer ones.
        await commitPending();
        await applyGuarded(fresh);
        const from = position + 1;
        resetFor = from;
        justReset = true;
        log(`gap before stream seq ${m.streamSeq}; restarting delivery at ${from}`);
        await c.resetTo(from);
        return;
      }
      fresh.push(m);
    }
    if (fresh.length === 0) {
      await commitPending();
      return;
    }
    const prepared = ingestor.prepareBatch?.(fresh.map(toRaw));
    await commitPending(); // batch N applies on this thread while N+1 is prepared on the worker's
    pending = { msgs: fresh, prepared };
  };

  return {
    get position() {
      return position;
    },
    async start() {
      position = await store.getCheckpoint(checkpointName);
      const c = await bus.consumer();
      consumer = c;
      if (store.getMeta && store.setMeta) {
        guard = createCrashGuard(store as Pick<GraphStore, 'getMeta' | 'setMeta'>, checkpointName, c.maxDeliver);
        await guard.load(position);
      }
      const state = await c.state();
      if (state.delivered !== position || state.ackFloor > position) {
        log(`resuming from the store's checkpoint ${position} (broker delivered ${state.delivered}, ack floor ${state.ackFloor})`);
        resetFor = position + 1;
        justReset = true;
        await c.resetTo(position + 1);
      }
      running = true;
      loop = (async () => {
        while (running) {
          try {
            await runOnce(c);
          } catch (err) {
            log(`fetch failed: ${(err as Error).message}`);
            await new Promise((r) => setTimeout(r, retryDelayMs));
          }
        }
        await commitPending().catch((err: unknown) => log(`last batch failed: ${(err as Error).message}`));
      })();
    },
    async stop() {
      running = false;
      await loop;
      await consumer?.close();
    },
    reached(seq) {
      if (position >= seq) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ seq, resolve }));
    },
  };
}
