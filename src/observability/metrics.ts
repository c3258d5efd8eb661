/**
 * Prometheus metrics of one service instance (prom-client, its own registry so several instances in one process —
 * tests, the demo — never mix). The pipeline reports through the narrow `Metrics` interface; gauges that are
 * cheap to read on demand (subscribers, lag, dead letters) are computed at scrape time from registered sources,
 * so the hot path pays nothing for them.
 *
 * Label values are always bounded: event types are the ontology's (anything else is `other`), reasons and
 * outcomes are fixed sets, GraphQL operation names are capped (see `operationLabel`). No ids, ever.
 */
import { Counter, Gauge, Histogram, Registry, Summary, collectDefaultMetrics } from 'prom-client';

/** Why an event was not applied; also the dead-letter reasons. */
export type RejectReason = 'invalid' | 'conflict' | 'idempotency-conflict' | 'poison' | 'causal-loop';

/** Outcomes of claim operations and the sweeper. */
export type ClaimOutcome = 'granted' | 'contended' | 'renewed' | 'released' | 'expired';

/** Where scrape-time gauges read from; each is optional and may be registered later (`watch`). */
export interface MetricSources {
  /** Live mark subscribers and the cut-off count since start (the mark feed's stats). */
  feed?: () => { readonly subscribers: number; readonly slowSubscribersCut: number };
  /** Events on the bus not yet committed by the projector (stream position − store checkpoint). */
  lag?: () => Promise<number>;
  /** Dead letters kept now. */
  deadLetters?: () => Promise<number>;
}

/** Time-to-consistency quantiles over the recent window (for /status). */
export interface ConsistencyQuantiles {
  readonly count: number;
  readonly p50: number | null;
  readonly p99: number | null;
}

/** What the pipeline reports. All methods are cheap and never throw. */
export interface Metrics {
  readonly contentType: string;
  eventReceived(type: string | undefined): void;
  /** `publishToCommitSeconds`: from the moment the service (or the bus) took the event to its commit. */
  eventApplied(type: string, publishToCommitSeconds: number | undefined): void;
  eventDuplicate(type: string): void;
  eventRejected(type: string | undefined, reason: RejectReason): void;
  deadLettered(reason: string): void;
  /** A change mark handed to one subscriber, `seconds` after its commit. */
  markDelivered(seconds: number): void;
  claim(outcome: ClaimOutcome, n?: number): void;
  marksEvaporated(n: number): void;
  graphqlOperation(name: string | undefined, type: string, ok: boolean, seconds: number): void;
  /** Registers (or replaces) scrape-time sources. */
  watch(sources: MetricSources): void;
  /** The text exposition format. */
  render(): Promise<string>;
  /** Time-to-consistency over the recent window (default 5 minutes). */
  consistency(): Promise<{ readonly publishToCommit: ConsistencyQuantiles; readonly commitToDelivery: ConsistencyQuantiles }>;
}

export interface MetricsOptions {
  /** Event types that may appear as label values (the ontology's); others are reported as `other`. */
  readonly eventTypes: () => ReadonlySet<string> | ReadonlyMap<string, unknown>;
  /** Also collect Node's default process metrics (CPU, memory, GC, event-loop lag). Default true. */
  readonly processMetrics?: boolean;
  /** Most distinct GraphQL operation names kept as labels; later names count as `other`. Default 200. */
  readonly maxOperationNames?: number;
  /** Window of the /status quantiles. Default 300 s. */
  readonly windowSeconds?: number;
}

/** Seconds; spans the in-process commit (~ms) to a stalled agent (minutes). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

const REASONS: readonly RejectReason[] = ['invalid', 'conflict', 'idempotency-conflict', 'poison', 'causal-loop'];

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const sources: MetricSources = {};
  const windowSeconds = options.windowSeconds ?? 300;
  const maxOperationNames = options.maxOperationNames ?? 200;
  if (options.processMetrics ?? true) {
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
    // prom-client also exports these gauges under a `_total` name, which Prometheus reserves for counters
    // (promtool rejects them); the same values stay available without the suffix.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
  }

  const typeLabel = (type: string | undefined): string => {
    if (type === undefined) return 'unknown';
    if (type.startsWith('tg:')) return type;
    return options.eventTypes().has(type) ? type : 'other';
  };

  const received = new Counter({ name: 'trailgraph_events_received_total', help: 'Events that reached the ingest pipeline, by type (unknown types: other).', labelNames: ['type'], registers });
  const applied = new Counter({ name: 'trailgraph_events_applied_total', help: 'Events committed to the graph, by type.', labelNames: ['type'], registers });
  const duplicates = new Counter({ name: 'trailgraph_events_duplicate_total', help: 'Events received again after they were committed (idempotent no-ops), by type.', labelNames: ['type'], registers });
  const rejected = new Counter({ name: 'trailgraph_events_rejected_total', help: 'Events not applied, by type and reason (invalid, conflict, idempotency-conflict, poison, causal-loop).', labelNames: ['type', 'reason'], registers });
  const deadLetters = new Counter({ name: 'trailgraph_dead_letters_total', help: 'Dead letters written, by reason.', labelNames: ['reason'], registers });
  const loops = new Counter({ name: 'trailgraph_causal_loops_broken_total', help: 'Events stopped by the loop breaker (causation depth or repeats within one correlation), by type.', labelNames: ['type'], registers });
  const publishToCommit = new Histogram({ name: 'trailgraph_publish_to_commit_seconds', help: 'Time to consistency, first half: from publish (bus timestamp, or arrival at the service) to the commit of the event.', buckets: LATENCY_BUCKETS, registers });
  const commitToDelivery = new Histogram({ name: 'trailgraph_commit_to_delivery_seconds', help: 'Time to consistency, second half: from commit to the change mark being handed to a subscriber (once per subscriber).', buckets: LATENCY_BUCKETS, registers });
  const claims = new Counter({ name: 'trailgraph_claims_total', help: 'Claim operations by outcome: granted, contended (held by another agent), renewed, released, expired.', labelNames: ['outcome'], registers });
  const evaporated = new Counter({ name: 'trailgraph_marks_evaporated_total', help: 'Signal marks that evaporated (strength decayed below the floor or TTL passed) and were swept.', registers });
  const graphql = new Histogram({ name: 'trailgraph_graphql_operation_duration_seconds', help: 'GraphQL operations (query, mutation; subscription set-up) by operation name, type and outcome.', labelNames: ['operation', 'type', 'outcome'], buckets: LATENCY_BUCKETS, registers });

  let cutSeen = 0;
  const cutoffs = new Counter({
    name: 'trailgraph_slow_subscriber_cutoffs_total',
    help: 'Mark subscribers cut off for falling behind (they resume with after: seq).',
    registers,
    collect() {
      const now = sources.feed?.().slowSubscribersCut ?? cutSeen;
      if (now > cutSeen) this.inc(now - cutSeen);
      cutSeen = Math.max(cutSeen, now);
    },
  });
  void cutoffs;
  new Gauge({
    name: 'trailgraph_mark_subscribers',
    help: 'Live change-mark subscriptions on this instance.',
    registers,
    collect() {
      this.set(sources.feed?.().subscribers ?? 0);
    },
  });
  new Gauge({
    name: 'trailgraph_projector_lag_events',
    help: 'Events on the bus not yet committed to the store (stream position minus store checkpoint); 0 in embedded mode.',
    registers,
    async collect() {
      this.set(sources.lag ? await sources.lag().catch(() => Number.NaN) : 0);
    },
  });
  new Gauge({
    name: 'trailgraph_dead_letters',
    help: 'Dead letters kept now (inspect with trailgraph dlq list).',
    registers,
    async collect() {
      this.set(sources.deadLetters ? await sources.deadLetters().catch(() => Number.NaN) : 0);
    },
  });
  for (const reason of REASONS) deadLetters.inc({ reason }, 0);
  for (const outcome of ['granted', 'contended', 'renewed', 'released', 'expired']) claims.inc({ outcome }, 0);

  // Windowed quantiles for /status only: not registered, so /metrics carries just the histograms.
  const window = { maxAgeSeconds: windowSeconds, ageBuckets: 5, percentiles: [0.5, 0.99], registers: [] };
  const recentCommit = new Summary({ name: 'recent_publish_to_commit', help: '-', ...window });
  const recentDelivery = new Summary({ name: 'recent_commit_to_delivery', help: '-', ...window });

  const operationNames = new Set<string>();
  const operationLabel = (name: string | undefined): string => {
    if (!name) return 'anonymous';
    if (operationNames.has(name)) return name;
    if (operationNames.size >= maxOperationNames || !/^[_A-Za-z][_0-9A-Za-z]{0,99}$/.test(name)) return 'other';
    operationNames.add(name);
    return name;
  };

  const quantiles = async (s: Summary): Promise<ConsistencyQuantiles> => {
    const { values } = await s.get();
    const count = values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
    const q = (p: number): number | null => {
      const v = values.find((x) => x.labels.quantile === p)?.value;
      return count > 0 && v !== undefined && Number.isFinite(v) ? v : null;
    };
    return { count, p50: q(0.5), p99: q(0.99) };
  };

  return {
    contentType: registry.contentType,
    eventReceived: (type) => received.inc({ type: typeLabel(type) }),
    eventApplied(type, seconds) {
      applied.inc({ type: typeLabel(type) });
      if (seconds !== undefined && seconds >= 0) {
        publishToCommit.observe(seconds);
        recentCommit.observe(seconds);
      }
    },
    eventDuplicate: (type) => duplicates.inc({ type: typeLabel(type) }),
    eventRejected(type, reason) {
      rejected.inc({ type: typeLabel(type), reason });
      if (reason === 'causal-loop') loops.inc({ type: typeLabel(type) });
    },
    deadLettered: (reason) => deadLetters.inc({ reason: (REASONS as readonly string[]).includes(reason) ? reason : 'other' }),
    markDelivered(seconds) {
      const s = Math.max(0, seconds);
      commitToDelivery.observe(s);
      recentDelivery.observe(s);
    },
    claim: (outcome, n = 1) => claims.inc({ outcome }, n),
    marksEvaporated: (n) => evaporated.inc(n),
    graphqlOperation: (name, type, ok, seconds) => graphql.observe({ operation: operationLabel(name), type, outcome: ok ? 'ok' : 'error' }, seconds),
    watch(next) {
      Object.assign(sources, next);
    },
    render: () => registry.metrics(),
    async consistency() {
      return { publishToCommit: await quantiles(recentCommit), commitToDelivery: await quantiles(recentDelivery) };
    },
  };
}
