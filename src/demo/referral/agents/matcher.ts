/**
 * Specialist matching agent — run as TWO replicas that share work only through claims (purpose `match`).
 * A referral is ready when its insurance is verified and its lab (if required) has resulted; the replica that
 * wins the claim picks the accepting specialist of the requested specialty with the lowest load relative to
 * capacity and publishes ReferralAccepted with the deterministic id `accept-<referralId>`, fenced by its claim token
 * (a replica whose lease ran out before its accept committed is refused by the store once the other took over). If
 * a replica dies holding claims, the claims expire (a `claim:match` change mark) and the other replica takes the
 * work over.
 */
import { createWorkQueue, hashOf, log, publishOnce, readFlags, referralEvent, report, runReactor, sleep, startAgent, subjectId } from './agent-kit.ts';

const flags = readFlags();
const client = startAgent(flags);
const CLAIM_TTL_MS = 2500;

interface Detail {
  referral: {
    id: string;
    status: string;
    requiresLab: boolean | null;
    referredTo: { id: string } | null;
    requestedSpecialty: { code: string } | null;
    hasInsuranceVerification: { status: string } | null;
    followUps: { nodes: { __typename: string; status?: string | null }[] };
  } | null;
}
const DETAIL = `query MatchDetail($id: ID!, $seq: Int) { referral(id: $id, atLeastSeq: $seq) {
  id status requiresLab referredTo { id } requestedSpecialty { code } hasInsuranceVerification { status }
  followUps(first: 10) { nodes { __typename ... on LabOrder { status } } } } }`;

interface Specialists {
  specialties: { nodes: { specialists: { nodes: { id: string; name: string; acceptingReferrals: boolean | null; maxActiveReferrals: number | null; load: { totalCount: number } }[] } }[] };
}
const SPECIALISTS = `query SpecialistsBySpecialty($code: String!) { specialties(where: { code: { eq: $code } }, first: 1) { nodes {
  specialists(first: 100, orderBy: { field: name }) { nodes { id name acceptingReferrals maxActiveReferrals
    load: referralsReceived(where: { status: { in: ["accepted", "scheduled"] } }, first: 0) { totalCount } } } } } }`;

function ready(r: NonNullable<Detail['referral']>): boolean {
  if (r.status !== 'insurance-verified' || r.referredTo) return false;
  if (r.hasInsuranceVerification?.status !== 'verified') return false;
  if (r.requiresLab !== true) return true;
  return r.followUps.nodes.some((n) => n.__typename === 'LabOrder' && n.status === 'resulted');
}

async function match(rid: string): Promise<void> {
  const first = await client.query<Detail>(DETAIL, { id: rid });
  if (!first.referral || !ready(first.referral)) return;
  const claim = await client.claim(rid, 'match', CLAIM_TTL_MS);
  if (!claim.granted || claim.token === null) return; // the other replica is on it
  report({ type: 'claim', role: flags.role, agent: flags.agent, referralId: rid });
  // Re-read at the claim's seq: whatever the other replica committed before our grant is visible now.
  const { referral: r } = await client.query<Detail>(DETAIL, { id: rid, seq: claim.seq });
  if (!r || !ready(r)) {
    await client.release(rid, 'match', claim.token);
    return;
  }
  const code = r.requestedSpecialty?.code ?? '';
  const d = await client.query<Specialists>(SPECIALISTS, { code });
  const candidates = (d.specialties.nodes[0]?.specialists.nodes ?? []).filter((s) => s.acceptingReferrals !== false);
  candidates.sort((a, b) => a.load.totalCount / (a.maxActiveReferrals ?? 50) - b.load.totalCount / (b.maxActiveReferrals ?? 50) || a.id.localeCompare(b.id));
  const chosen = candidates[0];
  if (!chosen) {
    log(flags.agent, `${rid}: no accepting ${code} specialist; leaving it for later`);
    await client.release(rid, 'match', claim.token);
    return;
  }
  await sleep(150 + (hashOf(`review:${rid}`) % 250)); // the specialist's office reviews the case, claim held
  // Still ours? On a loaded machine the lease can run out during the review; renewing says whether the other
  // replica took it over meanwhile (then it does the accept), and gives the accept a fresh lease to commit in.
  const renewed = await client.renew(rid, 'match', claim.token, CLAIM_TTL_MS).catch(() => undefined);
  if (!renewed?.granted) {
    log(flags.agent, `${rid}: our match claim ran out during the review; leaving the referral to whoever claims it next`);
    return;
  }
  // Fenced by the claim: if our lease ran out meanwhile and the other replica took it over, the store refuses this
  // (a stale token) and that replica, not us, accepts the referral.
  const accept = { ...referralEvent(flags.agent, `accept-${rid}`, 'ReferralAccepted', rid, { '@type': 'Referral', id: rid, status: 'accepted', referredTo: chosen.id }), claimpurpose: 'match', claimtoken: claim.token };
  try {
    await publishOnce(client, accept);
  } catch (err) {
    if (!/stale claim token/.test((err as Error).message)) throw err;
    log(flags.agent, `${rid}: our match claim ran out and was taken over before the accept committed; the other replica has it`);
    return;
  }
  log(flags.agent, `${rid}: accepted by ${chosen.name} (${code}, load ${chosen.load.totalCount}/${chosen.maxActiveReferrals ?? '?'})`);
  report({ type: 'accepted', role: flags.role, agent: flags.agent, referralId: rid });
  await client.release(rid, 'match', claim.token);
}

const queue = createWorkQueue(4, match, (rid, err) => log(flags.agent, `${rid}: ${(err as Error).message}`));

await runReactor({
  client,
  agent: flags.agent,
  streams: [
    { where: { eventTypes: ['InsuranceVerified', 'LabResulted'] }, onMark: (mark) => {
      const rid = subjectId(mark);
      if (!rid) return;
      report({ type: 'react', role: flags.role, eventId: mark.eventId });
      queue.enqueue(rid);
    } },
    // A claim that expired (its holder died) or was released without acceptance: look again.
    { where: { kinds: ['claim:match'] }, onMark: (mark) => {
      for (const c of mark.changes) if (c.kind === 'claim' && c.change === 'expired') {
        log(flags.agent, `${c.on.id}: ${c.agent}'s match claim expired; taking a look`);
        report({ type: 'takeover', role: flags.role, agent: flags.agent, referralId: c.on.id, from: c.agent });
        queue.enqueue(c.on.id);
      }
    } },
  ],
  sweep: async () => {
    const d = await client.query<{ referrals: { nodes: { id: string }[] } }>(
      'query MatchBacklog { referrals(where: { status: { eq: "insurance-verified" }, referredTo: { exists: false } }, first: 500) { nodes { id } } }',
    );
    for (const r of d.referrals.nodes) queue.enqueue(r.id);
  },
  sweepMs: 2000,
});
