/**
 * A small discrete-event simulation of partitioned projection (docs/scaling.md): P partitions, each a pipeline of
 * three stages working on batches — the broker delivering (nats-server), the projector's client side (NATS
 * handling + validate + plan) and the store (apply + commit) — all sharing C CPU cores, with the serialised part
 * of a commit behind a mutex. Pure: costs in, events/s out; the costs come from measurements (bench/scaling.ts).
 *
 * Designs:
 * - `sqlite`: one SQLite file — one writer at a time, so a partition's whole apply + commit holds the mutex.
 * - `global-seq`: a store that takes concurrent writers (Neo4j) but one gap-free global `seq`: the ledger append and
 *   the commit hold the mutex (a seq taken and then rolled back would leave a gap; a later seq committed first
 *   would be seen before an earlier one).
 * - `per-partition`: the same store with a position per partition instead of a global seq: nothing is serialised.
 */

/** Measured per-event costs (µs of CPU unless said otherwise) and the batch shape. */
export interface Costs {
  /** nats-server CPU per event: store the publish, deliver, process the ack. */
  readonly brokerUs: number;
  /** Projector-side NATS client handling per event (decode, ack share). */
  readonly clientUs: number;
  /** Validate + plan per event. */
  readonly prepareUs: number;
  /** Store apply per event (nodes, relationships, ledger), excluding the per-batch commit. */
  readonly storeUs: number;
  /** The part of storeUs that appends to the ledger (what a global seq serialises besides the commit). */
  readonly ledgerUs: number;
  /** Commit per batch, ms (a WAL write + sync: waiting, not CPU). */
  readonly commitMs: number;
  /** Publisher client CPU per event, when the publishers share the machine (0 when they run elsewhere). */
  readonly publisherUs: number;
  /**
   * The most events/s one stream takes however many cores are free (0 = no such limit): with `sync_interval:
   * always` a write waits for its fsync, so a stream's rate is bounded by the disk's sync latency, not by CPU.
   * A partition is modelled as its own stream.
   */
  readonly streamMaxPerSec: number;
  readonly batch: number;
}

export type Design = 'sqlite' | 'global-seq' | 'per-partition';

interface Pending {
  readonly t: number;
  readonly order: number;
  readonly run: () => void;
}

/** The simulated clock (µs) and the resources. */
class Sim {
  now = 0;
  private order = 0;
  private readonly heap: Pending[] = [];
  private freeCores: number;
  private readonly cpuQueue: (() => void)[] = [];
  private locked = false;
  private readonly lockQueue: (() => void)[] = [];
  constructor(cores: number) {
    this.freeCores = cores;
  }
  private push(p: Pending): void {
    const h = this.heap;
    h.push(p);
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      const a = h[i] as Pending;
      const b = h[parent] as Pending;
      if (b.t < a.t || (b.t === a.t && b.order < a.order)) break;
      h[i] = b;
      h[parent] = a;
      i = parent;
    }
  }
  private pop(): Pending | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        const less = (x: number, y: number): boolean => (h[x] as Pending).t < (h[y] as Pending).t || ((h[x] as Pending).t === (h[y] as Pending).t && (h[x] as Pending).order < (h[y] as Pending).order);
        if (l < h.length && less(l, m)) m = l;
        if (r < h.length && less(r, m)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as Pending, h[i] as Pending];
        i = m;
      }
    }
    return top;
  }
  at(delay: number, run: () => void): void {
    this.push({ t: this.now + delay, order: this.order++, run });
  }
  /** Runs `us` of CPU on a core (waiting FIFO for one), then `done`. */
  cpu(us: number, done: () => void): void {
    const start = (): void => this.at(us, () => {
      this.freeCores++;
      const next = this.cpuQueue.shift();
      if (next) {
        this.freeCores--;
        next();
      }
      done();
    });
    if (this.freeCores > 0) {
      this.freeCores--;
      start();
    } else this.cpuQueue.push(start);
  }
  lock(then: () => void): void {
    if (!this.locked) {
      this.locked = true;
      then();
    } else this.lockQueue.push(then);
  }
  unlock(): void {
    const next = this.lockQueue.shift();
    if (next) next();
    else this.locked = false;
  }
  run(untilUs: number): void {
    while (this.heap.length > 0 && (this.heap[0] as Pending).t <= untilUs) {
      const p = this.pop() as Pending;
      this.now = p.t;
      p.run();
    }
    this.now = untilUs;
  }
}

/**
 * One partition: broker → client → store, each stage one batch at a time, at most `ahead` batches between
 * stages (the consumer's max_ack_pending buffer; the projector prepares batch N+1 while N is applied).
 */
function partition(sim: Sim, c: Costs, design: Design, count: (n: number) => void, ahead = 2): void {
  const b = c.batch;
  let delivered = 0; // batches the broker has delivered and the client not yet taken
  let prepared = 0; // batches prepared and not yet applied
  let clientBusy = false;
  let storeBusy = false;
  const broker = (): void => {
    if (delivered + prepared >= ahead) return void sim.at(50, broker); // the buffer is full: poll again shortly
    const cpuUs = b * (c.brokerUs + c.publisherUs);
    // The rest of the stream's per-batch time is waiting for fsyncs: no core held.
    const syncWaitUs = c.streamMaxPerSec > 0 ? Math.max(0, (b * 1e6) / c.streamMaxPerSec - b * c.brokerUs) : 0;
    sim.cpu(cpuUs, () => sim.at(syncWaitUs, () => {
      delivered++;
      client();
      broker();
    }));
  };
  const client = (): void => {
    if (clientBusy || delivered === 0 || prepared >= 1) return;
    clientBusy = true;
    delivered--;
    sim.cpu(b * (c.clientUs + c.prepareUs), () => {
      clientBusy = false;
      prepared++;
      store();
      client();
    });
  };
  const commit = (release: boolean): void => sim.at(c.commitMs * 1000, () => {
    if (release) sim.unlock();
    storeBusy = false;
    count(b);
    store();
    client();
  });
  const store = (): void => {
    if (storeBusy || prepared === 0) return;
    storeBusy = true;
    prepared--;
    if (design === 'sqlite') sim.lock(() => sim.cpu(b * c.storeUs, () => commit(true)));
    else if (design === 'global-seq') sim.cpu(b * (c.storeUs - c.ledgerUs), () => sim.lock(() => sim.cpu(b * c.ledgerUs, () => commit(true))));
    else sim.cpu(b * c.storeUs, () => commit(false));
  };
  broker();
}

/** Simulated events/s for `partitions` partitions on `cores` cores (after a warm-up second). */
export function simulate(c: Costs, design: Design, partitions: number, cores: number, seconds = 10): number {
  const sim = new Sim(cores);
  let done = 0;
  let counting = false;
  for (let p = 0; p < partitions; p++) partition(sim, c, design, (n) => (done += counting ? n : 0));
  sim.run(1e6);
  counting = true;
  sim.run(1e6 * (1 + seconds));
  return done / seconds;
}

/** The bottleneck bound the simulation should approach: CPU, the mutex, or one partition's slowest stage. */
export function bound(c: Costs, design: Design, partitions: number, cores: number): number {
  const commitUs = (c.commitMs * 1000) / c.batch;
  const cpu = cores / (c.brokerUs + c.publisherUs + c.clientUs + c.prepareUs + c.storeUs);
  const serial = design === 'sqlite' ? c.storeUs + commitUs : design === 'global-seq' ? c.ledgerUs + commitUs : 0;
  const streamUs = Math.max(c.brokerUs, c.streamMaxPerSec > 0 ? 1e6 / c.streamMaxPerSec : 0) + c.publisherUs;
  const stage = Math.max(streamUs, c.clientUs + c.prepareUs, c.storeUs + commitUs);
  return Math.min(cpu, serial > 0 ? 1 / serial : Infinity, partitions / stage) * 1e6;
}
