/**
 * The ingest pipeline every publish path uses (HTTP, GraphQL, NATS projector, embedded publisher):
 * envelope → upcast → payload validation → plan → one store batch (with the consumer checkpoint).
 *
 * Nothing is lost: an invalid event is dead-lettered with its issues; an event that conflicts with the graph is
 * isolated (the batch is re-applied one event at a time) and dead-lettered; the valid rest still apply.
 * Invalid events are dead-lettered BEFORE the store batch commits its checkpoint: a crash in between can at worst
 * dead-letter an event twice on redelivery, never skip it. Retryable errors (StoreUnavailableError) propagate.
 */
import { CausalLoopError, type EventIssue, IdempotencyConflictError, InvalidEventError, ProjectionConflictError, TrailgraphError } from '../../core/errors.ts';
import { ancestorsNeeded, type CausalLink, DEFAULT_LOOP_LIMITS, findCausalLoop, type LoopLimits } from '../../core/causality/loop-breaker.ts';
import { createCausalAncestry } from './causal-ancestry.ts';
import { idempotencyKey, redelivery } from '../../core/events/idempotency.ts';
import type { CloudEvent } from '../../core/events/cloud-event.ts';
import type { EnvelopeLimits } from '../../core/events/envelope.ts';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import type { AppliedChange, ChangeSet } from '../../core/projection/change-set.ts';
import type { DeadLetterStore, NewDeadLetter } from '../../ports/dead-letters.ts';
import type { AppliedEvent, ApplyOptions, GraphStore } from '../../ports/graph-store.ts';
import { prepareEvent } from './prepare.ts';
import { createPreparePool, type PreparePool, type PrepareWorkerOptions } from './prepare-pool.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { tracingEnabled } from '../../observability/spans.ts';
import { type BatchPhase, traceBatch, untracedPhase } from '../../observability/trace-ingest.ts';
import { isTraceparent } from '../../core/events/uri.ts';

/** An event as it arrived: the payload exactly as received plus where it came from. */
export interface RawEvent {
  /** JSON text (bus, HTTP body) or an already parsed value (GraphQL variables, binary-mode HTTP). */
  readonly payload: string | unknown;
  /** Bus subject, when it came over a bus. */
  readonly subject?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Delivery count, when it came over a bus. */
  readonly deliveries?: number;
  /** When the bus stored it (epoch ms), when it came over a bus: the start of its time to consistency. */
  readonly publishedAtMs?: number;
}

/** The outcome of one raw event, in input order. */
export type IngestResult =
  | { status: 'applied' | 'duplicate'; eventId: string; seq: number; changes: readonly AppliedChange[] }
  | { status: 'rejected'; eventId?: string; error: InvalidEventError | ProjectionConflictError | CausalLoopError | IdempotencyConflictError; deadLetterId: string };

export interface Ingestor {
  /** validate → plan; throws InvalidEventError. Used to reject before forwarding to a bus. */
  prepare(raw: RawEvent): ChangeSet;
  /**
   * Validates, plans and applies raw events as ONE store batch (with the checkpoint); invalid ones are
   * dead-lettered with the reason; the valid rest still apply. If the store rejects the batch with a
   * ProjectionConflictError, re-apply one by one so only the conflicting event is dead-lettered.
   * Retryable (StoreUnavailableError) errors propagate.
   */
  ingest(raws: readonly RawEvent[], options?: IngestOptions): Promise<IngestResult[]>;
  /**
   * Starts validate → plan of a batch ahead of `ingest` (in the prepare worker when one is configured, so it
   * overlaps the store work of the previous batch); pass the promise to `ingest` as `prepared`. Never rejects:
   * if the worker fails, `ingest` prepares on this thread.
   */
  prepareBatch(raws: readonly RawEvent[]): Promise<PreparedBatch | undefined>;
  /** Stops the prepare worker, if any. */
  close(): Promise<void>;
  /** The ontology events are validated against now. */
  readonly ontology: CompiledOntology;
}

/** Store options plus, optionally, the result of an earlier `prepareBatch` of the same raws. */
export interface IngestOptions extends ApplyOptions {
  readonly prepared?: Promise<unknown>;
  /** When the service took these events (epoch ms), for raws without `publishedAtMs`. Default: now. */
  readonly receivedAtMs?: number;
}

/** validate → plan results of a batch (opaque outside this module). */
export interface PreparedBatch {
  readonly raws: readonly RawEvent[];
  readonly results: readonly Prepared[];
}

export interface IngestorOptions {
  /** The ontology, or a getter for one that may be swapped (hot reload after a migration). */
  readonly ontology: CompiledOntology | (() => CompiledOntology);
  readonly store: GraphStore;
  readonly deadLetters: DeadLetterStore;
  /** Runs after envelope parsing, before payload validation: where ontology migrations upgrade old events. */
  readonly upcast?: (event: CloudEvent) => CloudEvent;
  /**
   * Checks a bus subject against the event's `source` (the subject carries the publishing agent when NATS
   * permissions are generated from the policy); returns why they disagree, or undefined. The event is then
   * dead-lettered: an agent allowed to publish on its own subjects cannot speak for another agent.
   */
  readonly checkSubject?: (subject: string, event: ChangeSet) => EventIssue | undefined;
  readonly now?: () => Date;
  readonly limits?: Partial<EnvelopeLimits>;
  /**
   * Validate and plan in a worker thread (another core), set up by this module (see prepare-worker.ts). It must
   * build the same ontology version as `ontology`; a batch prepared against another version is redone here.
   */
  readonly prepareWorker?: PrepareWorkerOptions;
  /** Counts received / applied / duplicate / rejected events and publish → commit time. */
  readonly metrics?: Metrics;
  /** The loop breaker's limits (causation depth, repeats along a chain); false turns it off. */
  readonly loopLimits?: LoopLimits | false;
  /** For the batch span while tracing: `nats` for the projector, `trailgraph` (default) for embedded ingest. */
  readonly messagingSystem?: 'nats' | 'trailgraph';
  /** The projector's checkpoint name, named on the batch span. */
  readonly consumerName?: string;
}

type Prepared =
  | { readonly ok: true; readonly changeSet: ChangeSet }
  | { readonly ok: false; readonly error: InvalidEventError };

export function createIngestor({ ontology, store, deadLetters, upcast, checkSubject, now = () => new Date(), limits, prepareWorker, metrics, loopLimits = DEFAULT_LOOP_LIMITS, messagingSystem = 'trailgraph', consumerName }: IngestorOptions): Ingestor {
  const current = typeof ontology === 'function' ? ontology : () => ontology;

  /** The subject/source check (checkSubject) applied to prepared events that came over a bus. */
  const checkSubjects = (raws: readonly RawEvent[], prepared: readonly Prepared[]): readonly Prepared[] => {
    if (!checkSubject) return prepared;
    return prepared.map((p, i) => {
      const subject = raws[i]?.subject;
      if (!p.ok || subject === undefined) return p;
      const problem = checkSubject(subject, p.changeSet);
      return problem === undefined ? p : { ok: false, error: new InvalidEventError(p.changeSet.eventId, [problem]) };
    });
  };
  const pool: PreparePool | undefined = prepareWorker && createPreparePool(prepareWorker);

  const prepare = (raw: RawEvent, receivedAt = now().toISOString()): ChangeSet =>
    prepareEvent(raw.payload, current(), { receivedAt, ...(upcast && { upcast }), ...(limits && { limits }) });

  /** Validation at a publish edge (bus mode): a rejection there is the event's only passage through the pipeline. */
  const prepareAtEdge = (raw: RawEvent): ChangeSet => {
    try {
      return prepare(raw);
    } catch (err) {
      if (metrics && err instanceof InvalidEventError) {
        const type = typeOf(raw.payload);
        metrics.eventReceived(type);
        metrics.eventRejected(type, 'invalid');
      }
      throw err;
    }
  };

  const tryPrepare = (raw: RawEvent, receivedAt?: string): Prepared => {
    try {
      return { ok: true, changeSet: prepare(raw, receivedAt) };
    } catch (err) {
      if (err instanceof InvalidEventError) return { ok: false, error: err };
      if (err instanceof TrailgraphError) throw err;
      // An unexpected bug on one event: keep it (and its cause) rather than lose the batch.
      const id = idOf(raw.payload);
      return { ok: false, error: new InvalidEventError(id, [{ pointer: '', message: `could not be processed: ${String(err)}` }], { cause: err }) };
    }
  };

  const ancestry = loopLimits ? createCausalAncestry(store) : undefined;

  /**
   * The loop breaker: takes out of `batch` every event beyond the limits and dead-letters it (reason
   * `causal-loop`, the message names the chain). Returns the links of the events kept, by event id.
   */
  const breakLoops = async (
    batch: { index: number; changeSet: ChangeSet }[],
    raws: readonly RawEvent[],
    results: (IngestResult | undefined)[],
  ): Promise<{ index: number; changeSet: ChangeSet }[]> => {
    if (!ancestry || !loopLimits || !batch.some((b) => b.changeSet.causationid !== undefined)) return batch;
    const local = new Map<string, CausalLink>();
    const kept: { index: number; changeSet: ChangeSet }[] = [];
    for (const b of batch) {
      const link = linkOf(b.changeSet);
      if (link.causationid !== undefined) {
        const ancestors = await ancestry.ancestors(link.causationid, ancestorsNeeded(loopLimits), local);
        const loop = findCausalLoop(link, ancestors, loopLimits);
        if (loop) {
          const error = new CausalLoopError(link.eventId, loop.message, loop.chain.map((l) => l.eventId));
          results[b.index] = { status: 'rejected', eventId: link.eventId, error, deadLetterId: await deadLetter(raws[b.index] as RawEvent, error) };
          continue;
        }
      }
      local.set(link.eventId, link);
      kept.push(b);
    }
    return kept;
  };

  const deadLetter = async (raw: RawEvent, error: InvalidEventError | ProjectionConflictError | CausalLoopError | IdempotencyConflictError): Promise<string> => {
    const letter: NewDeadLetter = {
      ...(error.eventId !== undefined && { eventId: error.eventId }),
      reason: error instanceof InvalidEventError ? 'invalid' : error instanceof CausalLoopError ? 'causal-loop' : 'conflict',
      message: error.message,
      issues: error instanceof InvalidEventError ? error.issues : [{ pointer: error.pointer, message: error.message }],
      ...(raw.subject !== undefined && { subject: raw.subject }),
      ...(raw.headers !== undefined && { headers: raw.headers }),
      payload: payloadText(raw.payload),
      ...(raw.deliveries !== undefined && { deliveries: raw.deliveries }),
      receivedAt: now().toISOString(),
    };
    return (await deadLetters.put(letter)).id;
  };

  const prepareBatch = async (raws: readonly RawEvent[]): Promise<PreparedBatch | undefined> => {
    if (!pool || raws.length === 0) return undefined;
    const receivedAt = now().toISOString();
    try {
      const res = await pool.prepare(raws.map((r) => r.payload), receivedAt);
      // Hot-swapped ontology since (or a worker on another version): redo it here.
      if (res.version !== current().version || res.results?.length !== raws.length) return undefined;
      const results = res.results.map((r, i): Prepared => {
        if ('retry' in r) return tryPrepare(raws[i] as RawEvent, receivedAt);
        return r.ok ? r : { ok: false, error: new InvalidEventError(r.eventId, r.issues) };
      });
      return { raws, results };
    } catch {
      return undefined;
    }
  };

  /** The prepared results of `raws`: from the worker when they match this very batch, else made here. */
  const preparedFor = async (raws: readonly RawEvent[], ahead: Promise<unknown> | undefined): Promise<readonly Prepared[]> => {
    const p = ahead && (await ahead);
    if (isPreparedBatch(p) && p.raws.length === raws.length && p.raws.every((r, i) => r.payload === raws[i]?.payload)) return p.results;
    const receivedAt = now().toISOString();
    return raws.map((r) => tryPrepare(r, receivedAt));
  };

  const batchTrace = { system: messagingSystem, store: store.kind, ...(consumerName !== undefined && { consumer: consumerName }) };
  const ingest = (raws: readonly RawEvent[], options?: IngestOptions): Promise<IngestResult[]> =>
    tracingEnabled() && raws.length > 0 ? traceBatch(raws, batchTrace, (phase) => ingestBatch(raws, options, phase)) : ingestBatch(raws, options, untracedPhase);

  const ingestBatch = async (raws: readonly RawEvent[], options: IngestOptions | undefined, phase: BatchPhase): Promise<IngestResult[]> => {
    const receivedAtMs = options?.receivedAtMs ?? Date.now();
    const results: (IngestResult | undefined)[] = new Array<IngestResult | undefined>(raws.length);
    const checked = checkSubjects(raws, await phase('validate', () => preparedFor(raws, options?.prepared)));
    const prepared = phase === untracedPhase ? checked : withTransportTraceparent(raws, checked);
    // Same idempotency key twice in one batch: only the first goes to the store; the others mirror it (a retry)
    // or conflict with it (a reused id), by the same rule the store applies against the ledger.
    const firstIndex = new Map<string, number>();
    const firsts: { index: number; changeSet: ChangeSet }[] = [];
    for (const [index, p] of prepared.entries()) {
      if (!p.ok) continue;
      const key = idempotencyKey(p.changeSet.source, p.changeSet.eventId);
      if (firstIndex.has(key)) continue;
      firstIndex.set(key, index);
      firsts.push({ index, changeSet: p.changeSet });
    }
    const batch = await breakLoops(firsts, raws, results);

    for (const [index, p] of prepared.entries()) {
      if (p.ok) continue;
      const raw = raws[index] as RawEvent;
      results[index] = { status: 'rejected', ...(p.error.eventId !== undefined && { eventId: p.error.eventId }), error: p.error, deadLetterId: await deadLetter(raw, p.error) };
    }

    const { prepared: _ahead, receivedAtMs: _received, ...applyOptions } = options ?? {};
    const applied = await phase('commit', () => applyIsolatingConflicts(batch.map((b) => b.changeSet), applyOptions));
    for (const [k, { index }] of batch.entries()) {
      const outcome = applied[k];
      const raw = raws[index] as RawEvent;
      if (outcome === undefined) throw new Error(`store ${store.kind} returned no result for event ${batch[k]?.changeSet.eventId ?? '?'}`);
      if (outcome instanceof ProjectionConflictError) {
        results[index] = { status: 'rejected', eventId: outcome.eventId, error: outcome, deadLetterId: await deadLetter(raw, outcome) };
      } else if (outcome.conflict) {
        const cs = batch[k]?.changeSet as ChangeSet;
        const error = new IdempotencyConflictError(cs.eventId, cs.source, outcome.seq);
        results[index] = { status: 'rejected', eventId: cs.eventId, error, deadLetterId: await deadLetter(raw, error) };
      } else {
        results[index] = { status: outcome.duplicate ? 'duplicate' : 'applied', eventId: outcome.eventId, seq: outcome.seq, changes: outcome.changes };
        const cs = batch[k]?.changeSet;
        if (ancestry && cs?.correlationid !== undefined && !outcome.duplicate) ancestry.remember(linkOf(cs));
      }
    }

    for (const [index, p] of prepared.entries()) {
      if (results[index] !== undefined || !p.ok) continue;
      const firstAt = firstIndex.get(idempotencyKey(p.changeSet.source, p.changeSet.eventId)) ?? -1;
      const first = results[firstAt];
      const firstPrepared = prepared[firstAt];
      const sameAsFirst = firstPrepared?.ok === true && redelivery(firstPrepared.changeSet.event, p.changeSet.event) === 'duplicate';
      if (first && first.status !== 'rejected' && !sameAsFirst) {
        const error = new IdempotencyConflictError(p.changeSet.eventId, p.changeSet.source, first.seq);
        results[index] = { status: 'rejected', eventId: p.changeSet.eventId, error, deadLetterId: await deadLetter(raws[index] as RawEvent, error) };
      } else if (first?.status === 'rejected' && !sameAsFirst && first.error instanceof IdempotencyConflictError) {
        // The first conflicts with the ledger's original, and so does this other content: its own letter, or its
        // payload would be lost behind the first's.
        const error = new IdempotencyConflictError(p.changeSet.eventId, p.changeSet.source, first.error.originalSeq);
        results[index] = { status: 'rejected', eventId: p.changeSet.eventId, error, deadLetterId: await deadLetter(raws[index] as RawEvent, error) };
      } else if (first?.status === 'rejected') results[index] = first;
      else if (first) results[index] = { status: 'duplicate', eventId: first.eventId, seq: first.seq, changes: [] };
    }
    if (metrics) count(metrics, raws, prepared, results as IngestResult[], receivedAtMs);
    return results as IngestResult[];
  };

  /** One batch; on a conflict, one event at a time so only the culprit fails. The checkpoint commits last. */
  const applyIsolatingConflicts = async (
    changeSets: readonly ChangeSet[],
    options?: ApplyOptions,
  ): Promise<(AppliedEvent | ProjectionConflictError)[]> => {
    if (changeSets.length === 0) {
      if (options?.checkpoint) await store.applyBatch([], options);
      return [];
    }
    try {
      return [...(await store.applyBatch(changeSets, options))];
    } catch (err) {
      if (!(err instanceof ProjectionConflictError)) throw err;
    }
    const out: (AppliedEvent | ProjectionConflictError)[] = [];
    for (const cs of changeSets) {
      try {
        const [one] = await store.applyBatch([cs]);
        if (one) out.push(one);
      } catch (err) {
        if (!(err instanceof ProjectionConflictError)) throw err;
        out.push(err);
      }
    }
    if (options?.checkpoint) await store.applyBatch([], options);
    return out;
  };

  return {
    prepare: metrics ? prepareAtEdge : (raw) => prepare(raw),
    ingest,
    prepareBatch,
    close: async () => {
      await pool?.close();
    },
    get ontology() {
      return current();
    },
  };
}

/** Reports one ingested batch: every raw is received once, then applied, duplicate or rejected. */
function count(metrics: Metrics, raws: readonly RawEvent[], prepared: readonly Prepared[], results: readonly IngestResult[], receivedAtMs: number): void {
  const committedAt = Date.now();
  for (const [i, r] of results.entries()) {
    const p = prepared[i];
    const type = p?.ok ? p.changeSet.type : typeOf(raws[i]?.payload);
    metrics.eventReceived(type);
    if (r.status === 'applied') metrics.eventApplied(type as string, (committedAt - (raws[i]?.publishedAtMs ?? receivedAtMs)) / 1000);
    else if (r.status === 'duplicate') metrics.eventDuplicate(type as string);
    else if (r.status === 'rejected') metrics.eventRejected(type, r.error instanceof InvalidEventError ? 'invalid' : r.error instanceof CausalLoopError ? 'causal-loop' : r.error instanceof IdempotencyConflictError ? 'idempotency-conflict' : 'conflict');
  }
}

/**
 * While tracing: an event without a `traceparent` of its own is recorded with the one it travelled with (the
 * publish span's, from the HTTP edge or a NATS header), so the marks of its commit continue its trace.
 */
function withTransportTraceparent(raws: readonly RawEvent[], prepared: readonly Prepared[]): readonly Prepared[] {
  return prepared.map((p, i) => {
    if (!p.ok || p.changeSet.traceparent !== undefined) return p;
    const header = raws[i]?.headers?.traceparent;
    return header !== undefined && isTraceparent(header) ? { ok: true, changeSet: { ...p.changeSet, traceparent: header } } : p;
  });
}

function linkOf(cs: ChangeSet): CausalLink {
  return {
    eventId: cs.eventId, type: cs.type, source: cs.source,
    ...(cs.subject !== undefined && { subject: cs.subject }),
    ...(cs.causationid !== undefined && { causationid: cs.causationid }),
    ...(cs.correlationid !== undefined && { correlationid: cs.correlationid }),
  };
}

/** A top-level string field of a raw event (JSON text or object), read without validating the rest. */
function stringField(payload: unknown, name: 'id' | 'type'): string | undefined {
  let p = payload;
  if (typeof p === 'string') {
    try {
      p = JSON.parse(p) as unknown;
    } catch {
      return undefined;
    }
  }
  const value = p !== null && typeof p === 'object' ? (p as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The `type` attribute of a payload that failed validation (label use only: bounded by the metrics). */
function typeOf(payload: unknown): string | undefined {
  return stringField(payload, 'type');
}

function isPreparedBatch(p: unknown): p is PreparedBatch {
  return typeof p === 'object' && p !== null && Array.isArray((p as PreparedBatch).raws) && Array.isArray((p as PreparedBatch).results);
}

/** The payload as UTF-8 text for the dead-letter store: as received, or serialized when it came parsed. */
function payloadText(payload: unknown): string {
  if (typeof payload === 'string') return payload;
  try {
    return JSON.stringify(payload) ?? String(payload);
  } catch {
    return String(payload);
  }
}

function idOf(payload: unknown): string | undefined {
  return stringField(payload, 'id');
}
