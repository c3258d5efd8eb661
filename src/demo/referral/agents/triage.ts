/**
 * Triage agent, for the --chaos ping-pong scenario: a stubborn triage rule. Whenever ANOTHER agent triages a
 * referral, it triages it back to its own level — two such agents with different levels trigger each other
 * forever, the feedback loop the seeds warn about. Nothing in the agents stops it; the service's loop breaker does:
 * the event that repeats (ReferralTriaged, the referral) too often along one causal chain is refused and
 * dead-lettered with reason `causal-loop`, and with no new mark the ping-pong ends.
 * `--start 1`: this agent also opens the exchange on the first referral it sees requested.
 */
import { hashOf, log, publishOnce, readFlags, referralEvent, report, runReactor, startAgent, subjectId } from './agent-kit.ts';

const flags = readFlags(undefined, ['level', 'start']);
const level = flags.extra.level ?? 'urgent';
let starting = flags.extra.start === '1';
const client = startAgent(flags);

async function triage(rid: string, causeId: string): Promise<void> {
  try {
    await publishOnce(client, referralEvent(flags.agent, `triage-${rid}-${flags.agent.replace(/^agent:\/\//, '')}-${hashOf(causeId).toString(36)}`, 'ReferralTriaged', rid, { '@type': 'Referral', id: rid, triageLevel: level }));
    report({ type: 'react', role: 'triage', eventId: causeId });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'CAUSAL_LOOP') throw err;
    log(flags.agent, `${rid}: the service refused my re-triage: ${(err as Error).message}`);
    report({ type: 'loop-stopped', referralId: rid, message: (err as Error).message });
  }
}

await runReactor({
  client,
  agent: flags.agent,
  streams: [
    { where: { eventTypes: ['ReferralTriaged'] }, onMark: (mark) => {
      const rid = subjectId(mark);
      if (rid && mark.source !== flags.agent) void triage(rid, mark.eventId).catch((err: unknown) => log(flags.agent, `${rid}: ${(err as Error).message}`));
    } },
    { where: { eventTypes: ['ReferralRequested'] }, onMark: (mark) => {
      const rid = subjectId(mark);
      if (!starting || !rid) return;
      starting = false;
      void triage(rid, mark.eventId).catch((err: unknown) => log(flags.agent, `${rid}: ${(err as Error).message}`));
    } },
  ],
});
