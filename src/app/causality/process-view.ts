/**
 * Reconstructs a process from the ledger, for a correlation id or any event of it: the start event's correlation
 * (or the id itself, when a process's root event id is its correlation id), then every event of that correlation
 * on the aggregates the process touched (`subject`s, followed as they appear, bounded), then any cause an event
 * names that those histories missed (looked up by id), and what is still waiting on those aggregates: open signal
 * marks and live claims.
 *
 * Aggregates, not every node an event touched: a specialty or a practitioner is touched by thousands of
 * processes, the referral by one.
 */
import { buildProcess, type ProcessEvent, type ProcessView } from '../../core/causality/process.ts';
import type { Claim, GraphStore, LedgerEntry, SignalMark } from '../../ports/graph-store.ts';

export interface ProcessReport extends ProcessView {
  readonly waiting: { readonly marks: readonly SignalMark[]; readonly claims: readonly Claim[] };
  /** True when a bound (aggregates, events per aggregate) cut the search short. */
  readonly truncated: boolean;
}

export interface ProcessLookupOptions {
  readonly maxAggregates?: number;
  readonly maxEventsPerAggregate?: number;
  /** Causes looked up by event id when no scanned aggregate's history holds them. */
  readonly maxCauseLookups?: number;
}

const aggregateId = (subject: string | undefined): string | undefined => {
  if (!subject) return undefined;
  const i = subject.indexOf('/');
  return i >= 0 ? subject.slice(i + 1) : subject;
};

const toEvent = (e: LedgerEntry): ProcessEvent => ({
  seq: e.seq, eventId: e.eventId, type: e.type, source: e.source, time: e.time, committedAt: e.committedAt,
  ...(e.subject !== undefined && { subject: e.subject }),
  ...(e.causationid !== undefined && { causationid: e.causationid }),
  ...(e.correlationid !== undefined && { correlationid: e.correlationid }),
  ...(e.traceparent !== undefined && { traceparent: e.traceparent }),
});

/** The process `id` (a correlation id or an event id) belongs to; undefined when the ledger knows neither. */
export async function reconstructProcess(
  store: Pick<GraphStore, 'findEvent' | 'history' | 'marksOn' | 'claimsOn' | 'firstOfCorrelation'>,
  id: string,
  { maxAggregates = 20, maxEventsPerAggregate = 1000, maxCauseLookups = 200 }: ProcessLookupOptions = {},
): Promise<ProcessReport | undefined> {
  const start = await store.findEvent(id);
  const correlationId = start ? (start.correlationid ?? start.eventId) : id;
  const root = start?.eventId === correlationId ? start : ((await store.findEvent(correlationId)) ?? (await store.firstOfCorrelation?.(correlationId)));
  const seeds = [start, root].filter((e): e is LedgerEntry => e !== undefined);
  if (seeds.length === 0) return undefined;

  const search = new ProcessSearch(store, correlationId, maxAggregates, maxEventsPerAggregate);
  for (const e of seeds) search.add(e, e === start);
  await search.scanAggregates();
  // An event on the process's aggregate can react to one that touched only another node (a lab result on the lab
  // order, sensed through the referral's subject): history of the aggregates misses it, its id does not.
  for (let lookups = 0; ; ) {
    const missing = search.missingCauses();
    if (missing.length === 0) break;
    if (lookups + missing.length > maxCauseLookups) {
      search.truncated = true;
      break;
    }
    lookups += missing.length;
    for (const cause of await Promise.all(missing.map((m) => store.findEvent(m)))) if (cause) search.add(cause);
    await search.scanAggregates();
  }
  const ids = [...search.scanned];
  const [marks, claims] = await Promise.all([store.marksOn(ids), store.claimsOn(ids)]);
  return {
    ...buildProcess(correlationId, [...search.events.values()]),
    waiting: { marks: ids.flatMap((n) => marks.get(n) ?? []), claims: ids.flatMap((n) => claims.get(n) ?? []) },
    truncated: search.truncated,
  };
}

/** The events found so far, the aggregates still to scan and the causes already looked up. */
class ProcessSearch {
  readonly events = new Map<string, ProcessEvent>();
  readonly scanned = new Set<string>();
  truncated = false;
  private readonly queue: string[] = [];
  private readonly lookedUp = new Set<string>();

  constructor(
    private readonly store: Pick<GraphStore, 'history'>,
    private readonly correlationId: string,
    private readonly maxAggregates: number,
    private readonly maxEventsPerAggregate: number,
  ) {}

  private inProcess(e: LedgerEntry): boolean {
    return e.kind === 'event' && (e.correlationid === this.correlationId || e.eventId === this.correlationId);
  }

  /** Records `e` when it belongs to the process (or `force`), and queues its aggregate. */
  add(e: LedgerEntry, force = false): void {
    this.lookedUp.add(e.eventId);
    if (this.events.has(e.eventId) || !(force || this.inProcess(e))) return;
    this.events.set(e.eventId, toEvent(e));
    const next = aggregateId(e.subject);
    if (next !== undefined && !this.scanned.has(next)) this.queue.push(next);
  }

  /** Reads the history of every queued aggregate, adding the process's events found there. */
  async scanAggregates(): Promise<void> {
    while (this.queue.length > 0) {
      const aggregate = this.queue.shift() as string;
      if (this.scanned.has(aggregate)) continue;
      if (this.scanned.size >= this.maxAggregates) {
        this.truncated = true;
        this.queue.length = 0;
        return;
      }
      this.scanned.add(aggregate);
      const history = await this.store.history(aggregate, { first: this.maxEventsPerAggregate });
      if (history.length >= this.maxEventsPerAggregate) this.truncated = true;
      for (const e of history) this.add(e);
    }
  }

  /** Causes named by the process's events that were not found yet (each looked up once). */
  missingCauses(): string[] {
    const missing = new Set<string>();
    for (const e of this.events.values()) {
      const c = e.causationid;
      if (c !== undefined && !this.events.has(c) && !this.lookedUp.has(c)) missing.add(c);
    }
    for (const c of missing) this.lookedUp.add(c);
    return [...missing];
  }
}
