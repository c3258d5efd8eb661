/**
 * Notification agent: senses AppointmentScheduled, tells the patient (a log line — the demo sends no messages)
 * and closes the loop with ReferralCompleted (id `complete-<referralId>`). The demo compresses the visit itself.
 */
import { createWorkQueue, log, publishOnce, readFlags, referralEvent, report, runReactor, startAgent, subjectId } from './agent-kit.ts';

const flags = readFlags();
const client = startAgent(flags);

interface Detail {
  referral: {
    id: string;
    status: string;
    forPatient: { name: string } | null;
    referredTo: { name: string } | null;
    followUps: { nodes: { __typename: string; id: string; startsAt?: string | null; location?: string | null }[] };
  } | null;
}
const DETAIL = `query NotifyDetail($id: ID!) { referral(id: $id) { id status forPatient { name } referredTo { name }
  followUps(first: 10) { nodes { __typename id ... on Appointment { startsAt location } } } } }`;

async function notify(rid: string): Promise<void> {
  const { referral: r } = await client.query<Detail>(DETAIL, { id: rid });
  if (!r || r.status !== 'scheduled') return;
  const appt = r.followUps.nodes.find((n) => n.__typename === 'Appointment');
  if (!appt) return;
  log(flags.agent, `NOTIFY ${r.forPatient?.name ?? 'patient'}: your appointment with ${r.referredTo?.name ?? 'the specialist'} is on ${appt.startsAt ?? '?'} at ${appt.location ?? '?'} (${rid})`);
  await publishOnce(client, referralEvent(flags.agent, `complete-${rid}`, 'ReferralCompleted', rid, {
    '@graph': [{ '@type': 'Referral', id: rid, status: 'completed' }, { '@type': 'Appointment', id: appt.id, status: 'fulfilled' }],
  }));
}

const queue = createWorkQueue(6, notify, (rid, err) => log(flags.agent, `${rid}: ${(err as Error).message}`));

await runReactor({
  client,
  agent: flags.agent,
  streams: [{ where: { eventTypes: ['AppointmentScheduled'] }, onMark: (mark) => {
    const rid = subjectId(mark);
    if (!rid) return;
    report({ type: 'react', role: flags.role, eventId: mark.eventId });
    queue.enqueue(rid);
  } }],
  sweep: async () => {
    const d = await client.query<{ referrals: { nodes: { id: string }[] } }>('query NotifyBacklog { referrals(where: { status: { eq: "scheduled" } }, first: 500) { nodes { id } } }');
    for (const r of d.referrals.nodes) queue.enqueue(r.id);
  },
});
