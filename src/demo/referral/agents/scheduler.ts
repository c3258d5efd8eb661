/**
 * Scheduling agent: senses ReferralAccepted and books an appointment with the accepted specialist
 * (AppointmentScheduled, id `schedule-<referralId>`), unless the referral already has one.
 */
import { createWorkQueue, hashOf, log, publishOnce, readFlags, referralEvent, report, runReactor, startAgent, subjectId } from './agent-kit.ts';

const flags = readFlags();
const client = startAgent(flags);

interface Detail {
  referral: { id: string; status: string; referredTo: { id: string; name: string } | null; followUps: { nodes: { __typename: string }[] } } | null;
}
const DETAIL = 'query ScheduleDetail($id: ID!) { referral(id: $id) { id status referredTo { id name } followUps(first: 10) { nodes { __typename } } } }';
const ROOMS = ['North wing, room 2', 'North wing, room 5', 'Outpatients B, room 11', 'Day clinic, room 3'];

/** A weekday slot 1-10 days out, derived from the referral id so a retry books the same slot. */
function slotFor(rid: string): string {
  const h = hashOf(rid);
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + 1 + (h % 10));
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() + 1);
  d.setUTCHours(8 + ((h >>> 4) % 9), ((h >>> 8) % 4) * 15, 0, 0);
  return d.toISOString();
}

async function schedule(rid: string): Promise<void> {
  const { referral: r } = await client.query<Detail>(DETAIL, { id: rid });
  if (!r || r.status !== 'accepted' || !r.referredTo) return;
  if (r.followUps.nodes.some((n) => n.__typename === 'Appointment')) return;
  const claim = await client.claim(rid, 'schedule', 5000);
  if (!claim.granted || claim.token === null) return;
  try {
    const startsAt = slotFor(rid);
    await publishOnce(client, referralEvent(flags.agent, `schedule-${rid}`, 'AppointmentScheduled', rid, {
      '@graph': [
        { '@type': 'Appointment', id: `appt-${rid}`, startsAt, location: ROOMS[hashOf(rid) % ROOMS.length], withSpecialist: r.referredTo.id, forReferral: rid, status: 'booked' },
        { '@type': 'Referral', id: rid, status: 'scheduled' },
      ],
    }));
    log(flags.agent, `${rid}: booked with ${r.referredTo.name} at ${startsAt}`);
  } finally {
    await client.release(rid, 'schedule', claim.token);
  }
}

const queue = createWorkQueue(6, schedule, (rid, err) => log(flags.agent, `${rid}: ${(err as Error).message}`));

await runReactor({
  client,
  agent: flags.agent,
  streams: [{ where: { eventTypes: ['ReferralAccepted'] }, onMark: (mark) => {
    const rid = subjectId(mark);
    if (!rid) return;
    report({ type: 'react', role: flags.role, eventId: mark.eventId });
    queue.enqueue(rid);
  } }],
  sweep: async () => {
    const d = await client.query<{ referrals: { nodes: { id: string }[] } }>('query ScheduleBacklog { referrals(where: { status: { eq: "accepted" } }, first: 500) { nodes { id } } }');
    for (const r of d.referrals.nodes) queue.enqueue(r.id);
  },
});
