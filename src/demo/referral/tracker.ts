/**
 * What the runner observes, kept apart from how it observes it: committed change marks (from the service's
 * mark feed) and agents' reaction reports. From them: live counts, claims per agent, and time-to-consistency —
 * for each event, the time from its commit until EVERY agent interested in it had reacted.
 */
import type { ChangeMark } from '../../core/marks/change-mark.ts';
import type { AgentReport } from './supervisor.ts';

/** Which agent roles react to which event types (the choreography, written down for measurement only). */
export const INTERESTED: Readonly<Record<string, readonly string[]>> = {
  ReferralRequested: ['insurance', 'lab'],
  InsuranceVerified: ['matcher'],
  LabResulted: ['matcher'],
  ReferralAccepted: ['scheduler'],
  AppointmentScheduled: ['notifier'],
};

export const STAGES = ['ReferralRequested', 'InsuranceVerified', 'LabResulted', 'ReferralAccepted', 'AppointmentScheduled', 'ReferralCompleted'] as const;

/** p-th percentile (0-100) of `values`, nearest rank; 0 when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export function createTracker() {
  const counts = new Map<string, number>();
  const committed = new Map<string, { type: string; at: number }>();
  const reactions = new Map<string, Map<string, number>>();
  /** Live claims per agent: agent → node ids. */
  const claims = new Map<string, Set<string>>();
  const expiredClaims: { agent: string; node: string; purpose: string; at: number }[] = [];
  const acceptedBy = new Map<string, string>();
  const acceptedAt = new Map<string, number>();
  let lastSeq = 0;

  return {
    counts,
    claims,
    expiredClaims,
    acceptedBy,
    acceptedAt,
    get lastSeq() {
      return lastSeq;
    },
    count: (type: string): number => counts.get(type) ?? 0,
    onMark(mark: ChangeMark): void {
      lastSeq = Math.max(lastSeq, mark.seq);
      if (mark.kind === 'event') {
        counts.set(mark.type, (counts.get(mark.type) ?? 0) + 1);
        if (INTERESTED[mark.type]) committed.set(mark.eventId, { type: mark.type, at: Date.parse(mark.committedAt) });
        if (mark.type === 'ReferralAccepted' && mark.subject) {
          const rid = mark.subject.replace(/^Referral\//, '');
          acceptedBy.set(rid, mark.source.replace(/^agent:\/\//, ''));
          acceptedAt.set(rid, Date.parse(mark.committedAt));
        }
        return;
      }
      for (const c of mark.changes) {
        if (c.kind !== 'claim') continue;
        const held = claims.get(c.agent) ?? new Set<string>();
        claims.set(c.agent, held);
        if (c.change === 'granted' || c.change === 'renewed') held.add(`${c.purpose}:${c.on.id}`);
        else held.delete(`${c.purpose}:${c.on.id}`);
        if (c.change === 'expired') expiredClaims.push({ agent: c.agent, node: c.on.id, purpose: c.purpose, at: Date.parse(mark.committedAt) });
      }
    },
    onReport(_agent: string, r: AgentReport): void {
      if (r.type !== 'react' || typeof r.eventId !== 'string' || typeof r.role !== 'string') return;
      const byRole = reactions.get(r.eventId) ?? new Map<string, number>();
      reactions.set(r.eventId, byRole);
      const prev = byRole.get(r.role);
      if (prev === undefined || r.at < prev) byRole.set(r.role, r.at);
    },
    /** Time-to-consistency samples (ms) of events every interested role reacted to, and how many are still open. */
    consistency(): { samples: number[]; open: number; openBy: Record<string, number> } {
      const samples: number[] = [];
      let open = 0;
      // `<event type> → <role>` that has not reacted, so "4 not reacted to" says who missed what.
      const openBy: Record<string, number> = {};
      for (const [eventId, { type, at }] of committed) {
        const roles = INTERESTED[type] ?? [];
        const byRole = reactions.get(eventId);
        const times = roles.map((role) => byRole?.get(role));
        if (times.some((t) => t === undefined)) {
          open++;
          for (const [i, role] of roles.entries()) if (times[i] === undefined) openBy[`${type} → ${role}`] = (openBy[`${type} → ${role}`] ?? 0) + 1;
        } else samples.push(Math.max(0, Math.max(...(times as number[])) - at));
      }
      return { samples, open, openBy };
    },
  };
}

export type Tracker = ReturnType<typeof createTracker>;
