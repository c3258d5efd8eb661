/**
 * Insurance verification agent: senses `needs-insurance-check` marks (pushed over its subscription; a sweep
 * query finds any it missed, e.g. after being paused), claims the referral (purpose `insurance`) so no other
 * verifier works on it, asks the "payer" (a simulated delay), publishes InsuranceVerified — or, rarely,
 * InsuranceDenied followed by a secondary-coverage check that verifies — and removes the mark it answered.
 * Idempotent: it reads the referral before acting, and event ids are deterministic per referral.
 */
import { PAYERS } from '../synthetic.ts';
import { createWorkQueue, hashOf, log, publishOnce, readFlags, referralEvent, report, runReactor, sleep, startAgent } from './agent-kit.ts';

const flags = readFlags();
const client = startAgent(flags);
const MARK = 'needs-insurance-check';

interface Detail {
  referral: {
    id: string;
    status: string;
    hasInsuranceVerification: { status: string } | null;
    forPatient: { id: string; coverages: { nodes: { id: string; payer: string }[] } } | null;
    marks: { id: string }[];
  } | null;
}

const DETAIL = `query InsuranceDetail($id: ID!, $seq: Int) { referral(id: $id, atLeastSeq: $seq) {
  id status hasInsuranceVerification { status }
  forPatient { id coverages(first: 3) { nodes { id payer } } }
  marks(kind: "${MARK}") { id } } }`;

async function verify(rid: string): Promise<void> {
  report({ type: 'react', role: flags.role, eventId: `request-${rid}` });
  const claim = await client.claim(rid, 'insurance', 10_000);
  if (!claim.granted || claim.token === null) return; // another verifier holds it
  try {
    const { referral: r } = await client.query<Detail>(DETAIL, { id: rid, seq: claim.seq });
    if (!r) return;
    if (r.hasInsuranceVerification?.status !== 'verified') {
      const coverage = r.forPatient?.coverages.nodes[0];
      const payer = coverage?.payer ?? PAYERS[0];
      await sleep(20 + (hashOf(rid) % 60)); // the payer's answer time
      const deniedFirst = hashOf(`deny:${rid}`) % 25 === 0;
      const now = (): string => new Date().toISOString();
      if (deniedFirst && r.hasInsuranceVerification?.status !== 'denied') {
        await publishOnce(client, referralEvent(flags.agent, `insurance-denied-${rid}`, 'InsuranceDenied', rid, {
          '@type': 'Referral', id: rid, status: 'insurance-denied',
          hasInsuranceVerification: { '@type': 'InsuranceVerification', id: `iv-${rid}`, status: 'denied', verifiedAt: now(), payer, note: 'Primary coverage: prior authorisation missing' },
        }));
        log(flags.agent, `${rid}: primary coverage with ${payer} denied; checking secondary coverage`);
        await sleep(50);
      }
      const secondary = deniedFirst ? PAYERS[(PAYERS.indexOf(payer as (typeof PAYERS)[number]) + 1) % PAYERS.length] : undefined;
      const patient = r.forPatient?.id;
      await publishOnce(client, referralEvent(flags.agent, `insurance-verified-${rid}`, 'InsuranceVerified', rid, {
        '@type': 'Referral', id: rid, status: 'insurance-verified',
        hasInsuranceVerification: {
          '@type': 'InsuranceVerification', id: `iv-${rid}`, status: 'verified', verifiedAt: now(), payer: secondary ?? payer,
          note: secondary ? `Primary denied; secondary coverage with ${secondary} verified` : 'Covered',
        },
        ...(secondary && patient
          ? { coveredBy: { '@type': 'InsuranceCoverage', id: `cov-${patient}-2`, payer: secondary, memberId: `S${hashOf(patient) % 10_000_000}`.padEnd(8, '0'), beneficiary: patient } }
          : coverage ? { coveredBy: coverage.id } : {}),
      }));
    }
    // The question is answered: take the mark away so nobody else senses it (it would fade anyway).
    for (const m of r.marks) await client.removeMark(m.id);
  } finally {
    await client.release(rid, 'insurance', claim.token);
  }
}

const queue = createWorkQueue(8, verify, (rid, err) => log(flags.agent, `${rid}: ${(err as Error).message}`));

await runReactor({
  client,
  agent: flags.agent,
  streams: [
    { where: { kinds: [MARK] }, onMark: (mark) => {
      for (const c of mark.changes) if (c.kind === 'mark' && (c.change === 'left' || c.change === 'reinforced')) queue.enqueue(c.on.id);
    } },
    // Sensed only as the cause of the verification (the mark left beside it is what triggers the work).
    { where: { eventTypes: ['ReferralRequested'] }, onMark: () => undefined },
  ],
  // Slow path: marked referrals, and any requested referral whose mark was lost (e.g. intake died mid-admit).
  sweep: async () => {
    const d = await client.query<{ marked: { nodes: { id: string }[] }; unverified: { nodes: { id: string }[] } }>(`query InsuranceBacklog {
      marked: referrals(where: { marks: [{ kind: "${MARK}" }] }, first: 500) { nodes { id } }
      unverified: referrals(where: { status: { in: ["requested", "insurance-denied"] } }, first: 500) { nodes { id } } }`);
    for (const r of [...d.marked.nodes, ...d.unverified.nodes]) queue.enqueue(r.id);
  },
  sweepMs: 1500,
});
