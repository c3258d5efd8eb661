/**
 * The end-of-run verdict, computed from the service's own ledger and dead letters (not from what agents say):
 * referrals completed, duplicates (a referral with more than one ReferralAccepted / AppointmentScheduled /
 * ReferralCompleted), dead letters and whether each is explained, time-to-consistency, throughput, chaos.
 */
import type { Runtime } from '../../service/runtime.ts';
import type { InsuranceChaosReport, MatcherChaosReport } from './chaos.ts';
import type { RogueAttempt } from './rogue.ts';
import { percentile, type Tracker } from './tracker.ts';

/** One status tick, for the terminal UI. */
export interface LiveStatus {
  readonly elapsedMs: number;
  readonly count: number;
  readonly counts: Readonly<Record<string, number>>;
  /** Referrals carrying a `needs-insurance-check` mark (waiting for the insurance agent). */
  readonly backlog: number;
  readonly deadLetters: number;
  readonly insuranceStalled: boolean;
  readonly matcherKilled: boolean;
}

export interface DemoSummary {
  /** True when every referral completed with no duplicate and no unexplained dead letter (and chaos recovered). */
  readonly ok: boolean;
  readonly mode: 'embedded' | 'nats';
  readonly url: string;
  readonly requested: number;
  readonly completed: number;
  readonly stages: Readonly<Record<string, number>>;
  readonly durationMs: number;
  /** Completed referrals per second. */
  readonly throughput: number;
  readonly eventsCommitted: number;
  readonly timeToConsistencyMs: {
    readonly p50: number; readonly p99: number; readonly max: number; readonly samples: number; readonly open: number;
    /** Events no reaction came for, by `<event type> → <role>`. */
    readonly openBy: Readonly<Record<string, number>>;
  };
  readonly duplicates: { readonly referrals: number; readonly details: readonly { readonly referralId: string; readonly type: string; readonly eventIds: readonly string[] }[] };
  readonly deadLetters: {
    readonly total: number;
    readonly unexplained: number;
    readonly items: readonly { readonly eventId: string | null; readonly reason: string; readonly message: string; readonly explained: boolean; readonly explanation?: string }[];
  };
  readonly chaos?: { readonly insurance?: InsuranceChaosReport; readonly matcher?: MatcherChaosReport; readonly pingPong?: PingPongReport; readonly rogue?: RogueReport };
  /** Whether the service checked every request against the access policy (each agent with its own token). */
  readonly auth: boolean;
  readonly storePath: string;
  readonly logPath: string;
  /** One completed referral's process, reconstructed from the ledger (what `trailgraph trace` prints). */
  readonly causalChain?: { readonly referralId: string; readonly agents: readonly string[]; readonly steps: number; readonly text: string };
}

/** --chaos ping-pong: what the loop breaker did about the two triage agents. */
export interface PingPongReport {
  /** ReferralTriaged events the two agents got committed before the breaker stopped them. */
  readonly triaged: number;
  /** The refused event's dead letter (reason causal-loop), when the breaker stopped the loop. */
  readonly stopped?: { readonly eventId: string | null; readonly message: string };
}

/** --chaos rogue: what a process with a valid token for one role tried, and how the service answered. */
export interface RogueReport {
  readonly attempts: readonly RogueAttempt[];
  /** Every attempt was refused. */
  readonly allDenied: boolean;
}

const ONCE_ONLY = ['ReferralAccepted', 'AppointmentScheduled', 'ReferralCompleted'];

export interface SummarizeInput {
  readonly runtime: Runtime;
  readonly tracker: Tracker;
  /** Referrals the run asked intake for. */
  readonly count: number;
  /** The --chaos scenarios the run played. */
  readonly scenarios: readonly string[];
  readonly t0: number;
  readonly finishedAt: number;
  readonly url: string;
  readonly storePath: string;
  readonly logPath: string;
  readonly insurance?: InsuranceChaosReport;
  readonly matcher?: MatcherChaosReport | undefined;
  readonly auth: boolean;
  /** --chaos rogue: the rogue agent's attempts (empty if it never got to run). */
  readonly rogue?: readonly RogueAttempt[];
}

export async function summarize(input: SummarizeInput): Promise<DemoSummary> {
  const { runtime, tracker, count, scenarios } = input;
  // Duplicates and completion straight from the ledger.
  const perReferral = new Map<string, string[]>();
  const completed = new Set<string>();
  const requested = new Set<string>();
  let events = 0;
  for (let after = 0; ;) {
    const page = await runtime.store.ledger(after, 1000);
    if (page.length === 0) break;
    for (const e of page) {
      after = e.seq;
      if (e.kind !== 'event') continue;
      events++;
      const rid = e.subject?.startsWith('Referral/') ? e.subject.slice('Referral/'.length) : undefined;
      if (!rid) continue;
      if (e.type === 'ReferralRequested') requested.add(rid);
      if (e.type === 'ReferralCompleted') completed.add(rid);
      if (ONCE_ONLY.includes(e.type)) {
        const key = `${e.type} ${rid}`;
        perReferral.set(key, [...(perReferral.get(key) ?? []), e.eventId]);
      }
    }
  }
  const details = [...perReferral].filter(([, ids]) => ids.length > 1).map(([key, eventIds]) => {
    const [type = '', referralId = ''] = key.split(' ');
    return { referralId, type, eventIds };
  });

  // Dead letters: the demo's only expected ones are intake's deliberately malformed legacy records.
  const letters = await runtime.deadLetters.list({ limit: 10_000 });
  const pingPong = scenarios.includes('ping-pong');
  const items = letters.map((l) => {
    const legacy = (l.eventId ?? '').startsWith('legacy-patient-') && l.reason === 'invalid';
    const loop = pingPong && (l.eventId ?? '').startsWith('triage-') && l.reason === 'causal-loop';
    // A matcher replica whose lease ran out (a slow store, a paused process) before its accept committed, refused by
    // the claim's fencing token because the other replica had taken the claim over: the fence doing its job.
    const fenced = (l.eventId ?? '').startsWith('accept-') && l.reason === 'conflict' && /stale claim token/.test(l.message);
    const rogue = input.rogue !== undefined && (l.eventId ?? '').startsWith('rogue-') && l.reason === 'forbidden';
    const explanation = legacy
      ? 'legacy import with a malformed MRN; intake re-sent the corrected record'
      : loop ? 'the loop breaker stopped the two triage agents re-triaging each other (--chaos ping-pong)'
        : fenced ? 'a matcher replica whose claim ran out was fenced off; the replica that took the claim over accepted'
          : rogue ? 'the rogue agent\'s publish, refused by the access policy (--chaos rogue)' : undefined;
    return { eventId: l.eventId ?? null, reason: l.reason, message: l.message, explained: legacy || loop || fenced || rogue, ...(explanation && { explanation }) };
  });
  const stoppedLoop = letters.find((l) => l.reason === 'causal-loop');
  const pingPongReport: PingPongReport | undefined = pingPong
    ? { triaged: tracker.count('ReferralTriaged'), ...(stoppedLoop && { stopped: { eventId: stoppedLoop.eventId ?? null, message: stoppedLoop.message } }) }
    : undefined;

  const ttc = tracker.consistency();
  const durationMs = input.finishedAt - input.t0;
  const insuranceOk = !input.insurance || (input.insurance.drainedAtMs !== undefined && input.insurance.requestedDuringStall > 0);
  const matcherOk = !input.matcher || input.matcher.takenOver + input.matcher.acceptedBeforeCrash === input.matcher.claimsHeld.length;
  const unexplained = items.filter((i) => !i.explained).length;
  const rogueReport: RogueReport | undefined = input.rogue
    ? { attempts: input.rogue, allDenied: input.rogue.length > 0 && input.rogue.every((a) => a.denied) }
    : undefined;
  const chaos = input.insurance || input.matcher || pingPongReport || rogueReport
    ? {
      ...(input.insurance && { insurance: input.insurance }), ...(input.matcher && { matcher: input.matcher }),
      ...(pingPongReport && { pingPong: pingPongReport }), ...(rogueReport && { rogue: rogueReport }),
    }
    : undefined;
  const pingPongOk = !pingPongReport || pingPongReport.stopped !== undefined;
  const rogueOk = !rogueReport || rogueReport.allDenied;
  return {
    ok: completed.size === count && details.length === 0 && unexplained === 0 && insuranceOk && matcherOk && pingPongOk && rogueOk,
    auth: input.auth,
    mode: runtime.busMode,
    url: input.url,
    requested: requested.size,
    completed: completed.size,
    stages: Object.fromEntries(tracker.counts),
    durationMs,
    throughput: Math.round((completed.size / (durationMs / 1000)) * 10) / 10,
    eventsCommitted: events,
    timeToConsistencyMs: { p50: percentile(ttc.samples, 50), p99: percentile(ttc.samples, 99), max: percentile(ttc.samples, 100), samples: ttc.samples.length, open: ttc.open, openBy: ttc.openBy },
    duplicates: { referrals: new Set(details.map((d) => d.referralId)).size, details },
    deadLetters: { total: items.length, unexplained, items },
    ...(chaos && { chaos }),
    storePath: input.storePath,
    logPath: input.logPath,
  };
}
