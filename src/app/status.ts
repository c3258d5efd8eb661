/**
 * Coordination health at a glance (`GET /status`, `trailgraph status`): is the projection keeping up, what was
 * refused and why, who is listening, what has been waiting longest, which claims are about to lapse, and how long
 * the environment takes to become consistent (publish → commit → delivered) over the last minutes.
 */
import type { DeadLetterStore } from '../ports/dead-letters.ts';
import type { GraphStore } from '../ports/graph-store.ts';
import type { MarkFeedStats } from '../ports/mark-feed.ts';
import type { Metrics } from '../observability/metrics.ts';

export interface StatusReport {
  readonly mode: 'embedded' | 'nats';
  readonly ontology: string;
  readonly headSeq: number;
  /** Events on the bus not yet committed (bus mode); 0 in embedded mode; null when unknown. */
  readonly projectorLag: number | null;
  readonly deadLetters: { readonly total: number; readonly byReason: Readonly<Record<string, number>> };
  readonly subscribers: number;
  readonly slowSubscriberCutoffs: number;
  readonly oldestWaitingMark: null | { readonly nodeId: string; readonly kind: string; readonly agent: string; readonly strength: number; readonly ageMs: number; readonly note: string | null };
  readonly claimsNearExpiry: readonly { readonly nodeId: string; readonly purpose: string; readonly agent: string; readonly token: number; readonly expiresInMs: number }[];
  /** Quantiles in ms over `windowSeconds`; null without samples (or with metrics off). */
  readonly timeToConsistency: null | {
    readonly windowSeconds: number;
    readonly publishToCommit: { readonly count: number; readonly p50Ms: number | null; readonly p99Ms: number | null };
    readonly commitToDelivery: { readonly count: number; readonly p50Ms: number | null; readonly p99Ms: number | null };
  };
  /** What this store cannot report (e.g. waiting marks on a store without the lookup). */
  readonly unavailable: readonly string[];
}

export interface StatusSources {
  readonly busMode: 'embedded' | 'nats';
  readonly ontologyVersion: string;
  readonly store: Pick<GraphStore, 'headSeq' | 'marksOn' | 'claimsOn' | 'waitingNodes'>;
  readonly deadLetters: Pick<DeadLetterStore, 'list'>;
  readonly feed?: { stats(): MarkFeedStats };
  readonly metrics?: Metrics;
  /** Bus mode: events not yet projected. */
  readonly lag?: () => Promise<number>;
  /** A claim expiring within this is "near expiry". Default 10 s. */
  readonly nearExpiryMs?: number;
  readonly windowSeconds?: number;
}

const ms = (seconds: number | null): number | null => (seconds === null ? null : Math.round(seconds * 100_000) / 100);

export async function collectStatus(src: StatusSources, now = Date.now()): Promise<StatusReport> {
  const nearExpiryMs = src.nearExpiryMs ?? 10_000;
  const unavailable: string[] = [];
  const letters = await src.deadLetters.list({ limit: 10_000 });
  const byReason: Record<string, number> = {};
  for (const l of letters) byReason[l.reason] = (byReason[l.reason] ?? 0) + 1;
  if (letters.length >= 10_000) unavailable.push('deadLetters beyond the first 10000');

  let oldestWaitingMark: StatusReport['oldestWaitingMark'] = null;
  let claimsNearExpiry: StatusReport['claimsNearExpiry'] = [];
  if (src.store.waitingNodes) {
    const w = await src.store.waitingNodes(now, nearExpiryMs, 50);
    if (w.oldestMarkNode !== undefined) {
      const marks = (await src.store.marksOn([w.oldestMarkNode], { now })).get(w.oldestMarkNode) ?? [];
      const m = [...marks].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))[0];
      if (m) oldestWaitingMark = { nodeId: m.on.id, kind: m.kind, agent: m.agent, strength: m.strength, ageMs: now - Date.parse(m.createdAt), note: m.note ?? null };
    }
    const claims = await src.store.claimsOn(w.claimNodesNearExpiry, now);
    claimsNearExpiry = [...claims.values()].flat()
      .map((c) => ({ nodeId: c.on.id, purpose: c.purpose, agent: c.agent, token: c.token, expiresInMs: Date.parse(c.expiresAt) - now }))
      .filter((c) => c.expiresInMs > 0 && c.expiresInMs <= nearExpiryMs)
      .sort((a, b) => a.expiresInMs - b.expiresInMs);
  } else unavailable.push('oldestWaitingMark', 'claimsNearExpiry');

  let projectorLag: number | null = 0;
  if (src.lag) projectorLag = await src.lag().catch(() => null);
  const stats = src.feed?.stats();
  const windowSeconds = src.windowSeconds ?? 300;
  let timeToConsistency: StatusReport['timeToConsistency'] = null;
  if (src.metrics) {
    const c = await src.metrics.consistency();
    timeToConsistency = {
      windowSeconds,
      publishToCommit: { count: c.publishToCommit.count, p50Ms: ms(c.publishToCommit.p50), p99Ms: ms(c.publishToCommit.p99) },
      commitToDelivery: { count: c.commitToDelivery.count, p50Ms: ms(c.commitToDelivery.p50), p99Ms: ms(c.commitToDelivery.p99) },
    };
  } else unavailable.push('timeToConsistency (metrics are off)');
  return {
    mode: src.busMode,
    ontology: src.ontologyVersion,
    headSeq: await src.store.headSeq(),
    projectorLag,
    deadLetters: { total: letters.length, byReason },
    subscribers: stats?.subscribers ?? 0,
    slowSubscriberCutoffs: stats?.slowSubscribersCut ?? 0,
    oldestWaitingMark,
    claimsNearExpiry,
    timeToConsistency,
    unavailable,
  };
}

/** The report as the terminal shows it. */
export function formatStatus(s: StatusReport): string {
  const q = (x: { count: number; p50Ms: number | null; p99Ms: number | null }): string =>
    x.count === 0 ? 'no samples' : `p50 ${x.p50Ms ?? '?'} ms, p99 ${x.p99Ms ?? '?'} ms (${x.count})`;
  const lines = [
    `  mode        ${s.mode}, ontology ${s.ontology}, head seq ${s.headSeq}`,
    `  lag         ${s.projectorLag ?? 'unknown'} event(s) not yet projected`,
    `  dead letters ${s.deadLetters.total}${s.deadLetters.total ? ` (${Object.entries(s.deadLetters.byReason).map(([r, n]) => `${r} ${n}`).join(', ')})` : ''}`,
    `  subscribers ${s.subscribers} live, ${s.slowSubscriberCutoffs} cut off as slow since start`,
    `  waiting     ${s.oldestWaitingMark ? `oldest mark ${s.oldestWaitingMark.kind} on ${s.oldestWaitingMark.nodeId} for ${Math.round(s.oldestWaitingMark.ageMs / 1000)} s (strength ${s.oldestWaitingMark.strength.toFixed(2)}, by ${s.oldestWaitingMark.agent})` : 'no live signal mark'}`,
    `  claims      ${s.claimsNearExpiry.length ? s.claimsNearExpiry.slice(0, 5).map((c) => `${c.purpose} on ${c.nodeId} by ${c.agent} lapses in ${Math.round(c.expiresInMs / 100) / 10} s`).join('; ') : 'none near expiry'}`,
  ];
  if (s.timeToConsistency) {
    lines.push(`  consistency publish→commit ${q(s.timeToConsistency.publishToCommit)}; commit→delivered ${q(s.timeToConsistency.commitToDelivery)} (last ${s.timeToConsistency.windowSeconds / 60} min)`);
  }
  if (s.unavailable.length) lines.push(`  unavailable ${s.unavailable.join(', ')}`);
  return lines.join('\n');
}

/** The status of a running service: its runtime and, when serving marks, its feed. */
export function statusOf(
  runtime: { readonly busMode: 'embedded' | 'nats'; readonly ontology: { readonly version: string }; readonly store: StatusSources['store']; readonly deadLetters: StatusSources['deadLetters']; readonly metrics?: Metrics; readonly lag?: () => Promise<number> },
  feed?: StatusSources['feed'],
): (options?: { readonly nearExpiryMs?: number }) => Promise<StatusReport> {
  return (options = {}) => collectStatus({
    ...(options.nearExpiryMs !== undefined && { nearExpiryMs: options.nearExpiryMs }),
    busMode: runtime.busMode, ontologyVersion: runtime.ontology.version, store: runtime.store, deadLetters: runtime.deadLetters,
    ...(feed && { feed }), ...(runtime.metrics && { metrics: runtime.metrics }), ...(runtime.lag && { lag: runtime.lag }),
  });
}
