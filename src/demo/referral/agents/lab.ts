/**
 * Lab scheduling agent: senses ReferralRequested events; for referrals that require labs it orders the test
 * (LabOrdered) and, after a simulated turnaround, reports the result (LabResulted). It never touches the referral's
 * workflow status — the matcher reads the lab order's own status — so it cannot race the insurance agent.
 * On restart (or a missed mark) the sweep finds lab orders still waiting and referrals without one.
 */
import { specialty } from '../synthetic.ts';
import { createWorkQueue, hashOf, log, publishOnce, readFlags, referralEvent, report, runReactor, startAgent, subjectId } from './agent-kit.ts';

const flags = readFlags();
const client = startAgent(flags);

interface Detail {
  referral: {
    id: string;
    status: string;
    requiresLab: boolean | null;
    requestedSpecialty: { code: string } | null;
    followUps: { nodes: { __typename: string; id: string; status?: string | null }[] };
  } | null;
}
const DETAIL = `query LabDetail($id: ID!) { referral(id: $id) { id status requiresLab requestedSpecialty { code }
  followUps(first: 10) { nodes { __typename id ... on LabOrder { status } } } } }`;

const resulting = new Set<string>();

async function handle(rid: string): Promise<void> {
  const { referral: r } = await client.query<Detail>(DETAIL, { id: rid });
  if (!r || r.requiresLab !== true || r.status === 'completed' || r.status === 'cancelled') return;
  const spec = specialty(r.requestedSpecialty?.code ?? 'CARD');
  const orderId = `lab-${rid}`;
  const order = r.followUps.nodes.find((n) => n.__typename === 'LabOrder');
  if (!order) {
    await publishOnce(client, referralEvent(flags.agent, `lab-ordered-${rid}`, 'LabOrdered', rid, {
      '@type': 'LabOrder', id: orderId, testCode: spec.lab.testCode, testName: spec.lab.testName, status: 'ordered',
      orderedAt: new Date().toISOString(), forReferral: rid,
    }));
  } else if (order.status === 'resulted') return;
  if (resulting.has(rid)) return;
  resulting.add(rid);
  // The lab's turnaround: a timer, not a blocked worker, so many tests run at once.
  setTimeout(() => {
    const [lo, hi] = spec.lab.normal;
    const h = hashOf(rid);
    const value = Math.round((lo + ((h % 1000) / 1000) * (hi - lo) * 1.2) * 10) / 10;
    publishOnce(client, referralEvent(flags.agent, `lab-resulted-${rid}`, 'LabResulted', rid, {
      '@graph': [
        { '@type': 'LabResult', id: `result-${rid}`, ofOrder: orderId, value, unit: spec.lab.unit, interpretation: value > hi ? 'abnormal' : 'normal', resultedAt: new Date().toISOString() },
        { '@type': 'LabOrder', id: orderId, status: 'resulted', forReferral: rid },
      ],
    }))
      .then(() => log(flags.agent, `${rid}: ${spec.lab.testName} resulted (${value} ${spec.lab.unit})`))
      .catch((err: unknown) => log(flags.agent, `${rid}: result not published: ${(err as Error).message}`))
      .finally(() => resulting.delete(rid));
  }, 300 + (hashOf(`lab:${rid}`) % 900));
}

const queue = createWorkQueue(8, handle, (rid, err) => log(flags.agent, `${rid}: ${(err as Error).message}`));

await runReactor({
  client,
  agent: flags.agent,
  streams: [{ where: { eventTypes: ['ReferralRequested'] }, onMark: (mark) => {
    const rid = subjectId(mark);
    if (!rid) return;
    report({ type: 'react', role: flags.role, eventId: mark.eventId });
    queue.enqueue(rid);
  } }],
  sweep: async () => {
    const d = await client.query<{ referrals: { nodes: { id: string; followUps: { nodes: { __typename: string; status?: string | null }[] } }[] } }>(`query LabBacklog {
      referrals(where: { requiresLab: { eq: true }, status: { in: ["requested", "insurance-pending", "insurance-denied", "insurance-verified", "lab-pending", "ready"] } }, first: 200) {
        nodes { id followUps(first: 2) { nodes { __typename ... on LabOrder { status } } } } } }`);
    for (const r of d.referrals.nodes) {
      const order = r.followUps.nodes.find((n) => n.__typename === 'LabOrder');
      if (!order || order.status !== 'resulted') queue.enqueue(r.id);
    }
  },
  sweepMs: 2000,
});
