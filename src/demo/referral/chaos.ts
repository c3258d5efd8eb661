/**
 * The --chaos scenarios, as observers with a trigger: they decide WHEN to pause or kill an agent process and
 * record what the system did about it. They never help the system recover — the agents do that on their own.
 * - insurance: SIGSTOP the insurance agent for a while (a "latency spike" that never answers), then SIGCONT.
 *   Intake must keep admitting; the backlog (referrals with a waiting mark) must grow, then drain.
 * - matcher: SIGKILL one of the two matcher replicas while it holds `match` claims; they must expire and the
 *   other replica must finish the work.
 */
import type { Supervisor } from './supervisor.ts';
import type { Tracker } from './tracker.ts';

export interface InsuranceChaosReport {
  readonly stallStartMs: number;
  readonly stallEndMs?: number;
  readonly backlogAtStall: number;
  readonly backlogPeak: number;
  /** Referrals intake requested while insurance was stopped: intake never stalled. */
  readonly requestedDuringStall: number;
  /** When the backlog was back to its pre-stall level (relative to run start). */
  readonly drainedAtMs?: number;
  /** drainedAtMs − stallEndMs. */
  readonly recoveryMs?: number;
}

export interface MatcherChaosReport {
  readonly killed: string;
  readonly killedAtMs: number;
  /** Referrals the killed replica held `match` claims on when it died. */
  readonly claimsHeld: readonly string[];
  /** Those claims that expired (the sweeper noticed the dead holder). */
  readonly expired: number;
  /** Held referrals the surviving replica accepted after the crash. */
  readonly takenOver: number;
  /** Held referrals the killed replica had already accepted just before dying (nothing left to take over). */
  readonly acceptedBeforeCrash: number;
  /** Time from the kill until the last held referral was accepted. */
  readonly takeoverMs?: number;
}

export function createInsuranceChaos(opts: { supervisor: Supervisor; tracker: Tracker; count: number; stallMs: number; t0: number }) {
  let report: { -readonly [K in keyof InsuranceChaosReport]: InsuranceChaosReport[K] } | undefined;
  let requestedAtStall = 0;
  let lastBacklog = 0;
  const now = (): number => Date.now() - opts.t0;
  // Stop insurance as soon as the threshold-th request is committed, not at the next status tick: a tick can take
  // seconds on a loaded machine, long enough for intake to have sent every referral before the stall begins.
  const maybeStall = (): void => {
    const requested = opts.tracker.count('ReferralRequested');
    if (report || requested < Math.max(3, Math.floor(opts.count * 0.2))) return;
    opts.supervisor.pause('insurance');
    requestedAtStall = requested;
    report = { stallStartMs: now(), backlogAtStall: lastBacklog, backlogPeak: lastBacklog, requestedDuringStall: 0 };
  };
  return {
    get report(): InsuranceChaosReport | undefined {
      return report;
    },
    get stalled(): boolean {
      return report !== undefined && report.stallEndMs === undefined;
    },
    /** Called for every committed ReferralRequested (after the tracker counted it). */
    onRequested: maybeStall,
    /** Called on every status tick with the current backlog. */
    tick(backlog: number): void {
      const requested = opts.tracker.count('ReferralRequested');
      if (!report) {
        lastBacklog = backlog;
        maybeStall();
        return;
      }
      report.backlogPeak = Math.max(report.backlogPeak, backlog);
      if (report.stallEndMs === undefined) report.requestedDuringStall = requested - requestedAtStall;
      if (report.stallEndMs === undefined) {
        if (now() - report.stallStartMs >= opts.stallMs) {
          opts.supervisor.resume('insurance');
          report.stallEndMs = now();
        }
      } else if (report.drainedAtMs === undefined && backlog <= Math.max(2, report.backlogAtStall)) {
        report.drainedAtMs = now();
        report.recoveryMs = report.drainedAtMs - report.stallEndMs;
      }
    },
  };
}

export function createMatcherChaos(opts: { supervisor: Supervisor; tracker: Tracker; count: number; t0: number; victim?: string }) {
  const victim = opts.victim ?? 'matcher-1';
  let killedAt: number | undefined;
  let held: string[] = [];
  return {
    get killed(): boolean {
      return killedAt !== undefined;
    },
    /** Called for every committed claim grant: kill the victim while it holds claims, once enough work flowed. */
    onClaimGranted(agent: string): void {
      if (killedAt !== undefined || agent !== `agent://${victim}`) return;
      if (opts.tracker.count('InsuranceVerified') < Math.max(3, Math.floor(opts.count * 0.3))) return;
      const claims = [...(opts.tracker.claims.get(agent) ?? [])].filter((c) => c.startsWith('match:'));
      if (claims.length === 0) return;
      opts.supervisor.kill9(victim);
      killedAt = Date.now();
      held = claims.map((c) => c.slice('match:'.length));
    },
    report(): MatcherChaosReport | undefined {
      if (killedAt === undefined) return undefined;
      const at = killedAt;
      const expired = opts.tracker.expiredClaims.filter((e) => e.agent === `agent://${victim}` && e.purpose === 'match' && e.at >= at - 50);
      let takenOver = 0;
      let before = 0;
      for (const rid of held) {
        const by = opts.tracker.acceptedBy.get(rid);
        if (by === victim) before++;
        else if (by) takenOver++;
      }
      const acceptTimes = held.map((rid) => opts.tracker.acceptedAt.get(rid)).filter((t): t is number => t !== undefined);
      return {
        killed: victim,
        killedAtMs: at - opts.t0,
        claimsHeld: held,
        expired: expired.length,
        takenOver,
        acceptedBeforeCrash: before,
        ...(acceptTimes.length === held.length && held.length > 0 && { takeoverMs: Math.max(0, Math.max(...acceptTimes) - at) }),
      };
    },
  };
}
