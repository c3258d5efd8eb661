/**
 * The demo's terminal view: one cli-progress bar of completed referrals with the live stage counts, the
 * insurance backlog and dead letters beside it, and the final summary as a short report.
 */
import { SingleBar } from 'cli-progress';
import type { DemoSummary, LiveStatus } from './summary.ts';

export function createStatusBar(stream: NodeJS.WriteStream = process.stderr) {
  const bar = new SingleBar({
    format: ' referrals [{bar}] {value}/{total} done | req {req} ins {ins} lab {lab} acc {acc} sch {sch} | waiting-for-insurance {backlog} | dead letters {dl} {chaos}',
    barCompleteChar: '█',
    barIncompleteChar: '░',
    barsize: 24,
    hideCursor: true,
    stream,
    noTTYOutput: true,
    notTTYSchedule: 2000,
  });
  let started = false;
  return {
    update(s: LiveStatus): void {
      const c = (t: string): number => s.counts[t] ?? 0;
      const chaos = [s.insuranceStalled ? '⚠ insurance agent STOPPED' : '', s.matcherKilled ? '✝ matcher-1 killed' : ''].filter(Boolean).join(' ');
      const payload = { req: c('ReferralRequested'), ins: c('InsuranceVerified'), lab: c('LabResulted'), acc: c('ReferralAccepted'), sch: c('AppointmentScheduled'), backlog: s.backlog, dl: s.deadLetters, chaos };
      if (!started) {
        bar.start(s.count, c('ReferralCompleted'), payload);
        started = true;
      } else bar.update(c('ReferralCompleted'), payload);
    },
    stop(): void {
      if (started) bar.stop();
    },
  };
}

const ms = (n: number | undefined): string => (n === undefined ? '—' : n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);

/** The summary as lines for people. */
export function formatSummary(s: DemoSummary): string {
  const out = [
    '',
    `${s.ok ? '✔' : '✘'} ${s.completed}/${s.requested} referrals completed in ${ms(s.durationMs)} (${s.throughput}/s, ${s.mode} mode, ${s.eventsCommitted} events)`,
    `  time to consistency (commit → every interested agent reacted): p50 ${ms(s.timeToConsistencyMs.p50)}, p99 ${ms(s.timeToConsistencyMs.p99)} over ${s.timeToConsistencyMs.samples} events${s.timeToConsistencyMs.open ? `, ${s.timeToConsistencyMs.open} not reacted to (${Object.entries(s.timeToConsistencyMs.openBy).map(([k, n]) => `${k}: ${n}`).join(', ')})` : ''}`,
    `  auth: ${s.auth ? 'on — every agent with its own token and role, checked against ontology/referral/policy' : 'off (--no-auth)'}`,
    `  duplicates (referrals with >1 ReferralAccepted/AppointmentScheduled/ReferralCompleted in the ledger): ${s.duplicates.referrals}`,
    `  dead letters: ${s.deadLetters.total} (${s.deadLetters.total - s.deadLetters.unexplained} explained, ${s.deadLetters.unexplained} unexplained)`,
  ];
  for (const d of s.deadLetters.items.slice(0, 5)) out.push(`    ${d.explained ? '·' : '!'} ${d.eventId ?? '?'}: ${d.explanation ?? d.message.slice(0, 140)}`);
  for (const d of s.duplicates.details.slice(0, 5)) out.push(`    ! ${d.referralId}: ${d.type} × ${d.eventIds.length} (${d.eventIds.join(', ')})`);
  const ins = s.chaos?.insurance;
  if (ins) {
    out.push(`  chaos — insurance agent stopped at ${ms(ins.stallStartMs)}, resumed at ${ms(ins.stallEndMs)}: intake kept going (${ins.requestedDuringStall} referrals requested meanwhile),` +
      ` backlog ${ins.backlogAtStall} → peak ${ins.backlogPeak}, drained ${ins.recoveryMs === undefined ? 'NOT' : `${ms(ins.recoveryMs)} after recovery`}`);
  }
  const m = s.chaos?.matcher;
  if (m) {
    out.push(`  chaos — ${m.killed} killed (-9) at ${ms(m.killedAtMs)} holding ${m.claimsHeld.length} match claim(s) [${m.claimsHeld.join(', ')}]: ${m.expired} expired,` +
      ` ${m.takenOver} taken over by the other replica, ${m.acceptedBeforeCrash} already accepted; all accepted ${ms(m.takeoverMs)} after the kill`);
  }
  const pp = s.chaos?.pingPong;
  if (pp) {
    out.push(pp.stopped
      ? `  chaos — ping-pong: two triage agents re-triaged each other ${pp.triaged} times, then the loop breaker refused ${pp.stopped.eventId ?? '?'}:\n      ${pp.stopped.message}`
      : `  chaos — ping-pong: NOT stopped (${pp.triaged} ReferralTriaged events)`);
  }
  const rogue = s.chaos?.rogue;
  if (rogue) {
    out.push(`  chaos — rogue agent (a valid insurance token): ${rogue.attempts.filter((a) => a.denied).length}/${rogue.attempts.length} attempts refused${rogue.attempts.length === 0 ? ' (it never ran: no claim was held to attack)' : ''}`);
    for (const a of rogue.attempts) out.push(`    ${a.denied ? '·' : '!'} ${a.attack} → ${a.answer.slice(0, 160)}`);
  }
  if (s.causalChain) {
    out.push(`  the emergent process of ${s.causalChain.referralId} (reconstructed from the ledger; \`trailgraph trace request-${s.causalChain.referralId}\`):`);
    for (const line of s.causalChain.text.split('\n')) out.push(`    ${line}`);
  }
  out.push(`  agents' log: ${s.logPath}`);
  return out.join('\n');
}
