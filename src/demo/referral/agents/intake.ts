/**
 * Intake agent: registers synthetic patients and requests their referrals at `--rate` per second, and leaves a
 * `needs-insurance-check` mark on each referral — it never calls the insurance agent, it marks the environment.
 * It keeps accepting patients whatever happens downstream (the seeds' failure: intake stalled with insurance).
 * While referrals wait, it reinforces their fading marks, like ants re-walking a trail that still leads somewhere.
 * About 1 in 60 patients first arrives from a "legacy import" with a malformed MRN: the service rejects it into
 * dead letters (with the reason), and intake re-sends the corrected record: an explained dead letter.
 */
import { GP_COUNT, syntheticCase, type SyntheticCase } from '../synthetic.ts';
import { log, publishOnce, readFlags, report, sleep, startAgent } from './agent-kit.ts';

const flags = readFlags(process.argv.slice(2), ['count', 'rate']);
const client = startAgent(flags);
const count = Number(flags.extra.count ?? 200);
const rate = Number(flags.extra.rate ?? 20);
const MARK = 'needs-insurance-check';
const HALF_LIFE_MS = 20_000;

function patientEvent(c: SyntheticCase, id: string, mrn: string): Record<string, unknown> {
  return {
    specversion: '1.0', id, source: flags.agent, type: 'PatientRegistered', subject: `Patient/${c.patientId}`, time: new Date().toISOString(),
    data: {
      '@graph': [
        { '@type': 'Patient', id: c.patientId, name: c.name, birthDate: c.birthDate, sex: c.sex, mrn },
        { '@type': 'InsuranceCoverage', id: `cov-${c.patientId}`, payer: c.payer, memberId: c.memberId, plan: 'Standard', validUntil: '2027-12-31', beneficiary: c.patientId },
      ],
    },
  };
}

function referralRequested(c: SyntheticCase): Record<string, unknown> {
  return {
    specversion: '1.0', id: `request-${c.referralId}`, source: flags.agent, type: 'ReferralRequested', subject: `Referral/${c.referralId}`,
    time: new Date().toISOString(),
    // The referral's process: every reaction downstream carries this correlation id (the client passes it on).
    correlationid: `request-${c.referralId}`,
    data: {
      '@type': 'Referral', id: c.referralId, reason: c.reason, triageLevel: c.triageLevel, status: 'requested',
      requestedAt: new Date().toISOString(), requiresLab: c.requiresLab, forPatient: c.patientId, referredBy: c.gpId,
      requestedSpecialty: `spec-${c.specialty.code.toLowerCase()}`,
      ...(c.condition && { hasCondition: [{ '@type': 'Condition', id: `cond-${c.condition.code}`, code: c.condition.code, display: c.condition.display }] }),
    },
  };
}

async function admit(c: SyntheticCase): Promise<void> {
  if (c.index % 60 === 17) {
    // A legacy import sends the MRN without its prefix: rejected, dead-lettered with the reason, then fixed.
    const legacyId = `legacy-patient-${c.patientId}`;
    try {
      await client.publish(patientEvent(c, legacyId, c.mrn.slice(4)));
    } catch (err) {
      report({ type: 'dead-letter-expected', eventId: legacyId, reason: (err as Error).message });
      log(flags.agent, `legacy record ${c.patientId} rejected (${(err as Error).message.slice(0, 80)}); re-sending corrected`);
    }
  }
  await publishOnce(client, patientEvent(c, `patient-${c.patientId}`, c.mrn));
  await publishOnce(client, referralRequested(c));
  await client.leaveMark({ on: c.referralId, kind: MARK, halfLifeMs: HALF_LIFE_MS, note: `${c.triageLevel} ${c.specialty.code} referral waiting for an insurance check` });
  report({ type: 'requested', referralId: c.referralId, patientId: c.patientId });
}

/** Keeps the trail alive: reinforce marks on referrals still waiting, once they have faded below half. */
async function reinforceWaiting(): Promise<void> {
  const d = await client.query<{ referrals: { nodes: { id: string; marks: { id: string; strength: number }[] }[] } }>(
    `query Waiting { referrals(where: { marks: [{ kind: "${MARK}" }] }, first: 500) { nodes { id marks(kind: "${MARK}") { id strength } } } }`,
  );
  for (const r of d.referrals.nodes) for (const m of r.marks) if (m.strength < 0.5) await client.reinforceMark(m.id);
}

const interval = 1000 / Math.max(0.1, rate);
const started = Date.now();
let inFlight = 0;
for (let i = 0; i < count; i++) {
  const due = started + i * interval;
  if (due > Date.now()) await sleep(due - Date.now());
  while (inFlight >= 16) await sleep(5);
  inFlight++;
  const c = syntheticCase(flags.seed, i, GP_COUNT);
  admit(c)
    .catch((err: unknown) => log(flags.agent, `admitting ${c.patientId} failed: ${(err as Error).message}`))
    .finally(() => inFlight--);
}
while (inFlight > 0) await sleep(10);
report({ type: 'intake-done', count });
log(flags.agent, `all ${count} referrals requested; now reinforcing marks on waiting referrals`);
for (;;) {
  await reinforceWaiting().catch((err: unknown) => log(flags.agent, `reinforce failed: ${(err as Error).message}`));
  await sleep(2000);
}
