/**
 * Reconstructs a process from the ledger, for a correlation id or any event of it: the start event's correlation
 * (or the id itself, when a process's root event id is its correlation id), then every event of that correlation
 * on the aggregates the process touched (`subject`s, followed as they appear, bounded), and what is still waiting
 * on those aggregates: open signal marks and live claims.
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
  { maxAggregates = 20, maxEventsPerAggregate = 1000 }: ProcessLookupOptions = {},
): Promise<ProcessReport | undefined> {
  const start = await store.findEvent(id);
  const correlationId = start ? (start.correlationid ?? start.eventId) : id;
  const root = start?.eventId === correlationId ? start : ((await store.findEvent(correlationId)) ?? (await store.firstOfCorrelation?.(correlationId)));
  const seeds = [start, root].filter((e): e is LedgerEntry => e !== undefined);
  if (seeds.length === 0) return undefined;

  const inProcess = (e: LedgerEntry): boolean => e.kind === 'event' && (e.correlationid === correlationId || e.eventId === correlationId);
  const events = new Map<string, ProcessEvent>();
  for (const e of seeds) if (inProcess(e) || e === start) events.set(e.eventId, toEvent(e));
  const queue = [...new Set(seeds.map((e) => aggregateId(e.subject)).filter((a): a is string => a !== undefined))];
  const scanned = new Set<string>();
  let truncated = false;
  while (queue.length > 0) {
    const aggregate = queue.shift() as string;
    if (scanned.has(aggregate)) continue;
    if (scanned.size >= maxAggregates) {
      truncated = true;
      break;
    }
    scanned.add(aggregate);
    const history = await store.history(aggregate, { first: maxEventsPerAggregate });
    if (history.length >= maxEventsPerAggregate) truncated = true;
    for (const e of history) {
      if (!inProcess(e) || events.has(e.eventId)) continue;
      events.set(e.eventId, toEvent(e));
      const next = aggregateId(e.subject);
      if (next !== undefined && !scanned.has(next)) queue.push(next);
    }
  }
  const ids = [...scanned];
  const [marks, claims] = await Promise.all([store.marksOn(ids), store.claimsOn(ids)]);
  return {
    ...buildProcess(correlationId, [...events.values()]),
    waiting: { marks: ids.flatMap((n) => marks.get(n) ?? []), claims: ids.flatMap((n) => claims.get(n) ?? []) },
    truncated,
  };
}
