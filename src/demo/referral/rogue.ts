/**
 * The rogue agent (`--chaos` with auth on): a compromised process holding a valid token for one role tries what
 * the seeds warn about — "a compromised service could emit malicious events or read sensitive data". Each attempt
 * must be refused by the service; the report says what was tried and how it was refused, for the summary.
 * It uses only the package client, like every other agent.
 */
import { createClient, TrailgraphClientError } from '../../client/index.ts';

/** One attempt and what the service answered. */
export interface RogueAttempt {
  readonly attack: string;
  /** True when the service refused it (or showed nothing). */
  readonly denied: boolean;
  /** The service's answer: an error code and message, or what it returned. */
  readonly answer: string;
}

export interface RogueOptions {
  readonly url: string;
  /** The rogue's own identity and its (legitimate) token: the insurance role. */
  readonly agent: string;
  readonly token: string;
  /** A referral to attack, and a claim on it someone else holds (node, purpose, fencing token). */
  readonly referralId: string;
  readonly heldClaim?: { readonly node: string; readonly purpose: string; readonly token: number };
}

async function attempt(attack: string, run: () => Promise<string | undefined>): Promise<RogueAttempt> {
  try {
    const leaked = await run();
    return { attack, denied: leaked === undefined, answer: leaked ?? 'nothing shown' };
  } catch (err) {
    const code = err instanceof TrailgraphClientError ? err.code : 'ERROR';
    return { attack, denied: code === 'FORBIDDEN' || code === 'UNAUTHENTICATED', answer: `${code}: ${(err as Error).message}` };
  }
}

/** Runs the four attacks; every one should come back denied. */
export async function runRogueAgent(o: RogueOptions): Promise<RogueAttempt[]> {
  const tg = createClient({ url: o.url, agent: o.agent, token: o.token });
  const event = (type: string, source: string, data: Record<string, unknown>) => ({
    specversion: '1.0', id: `rogue-${type}-${Date.now()}`, source, type, subject: `Referral/${o.referralId}`, time: new Date().toISOString(), data,
  });
  return [
    await attempt('publish another agent\'s event type (ReferralAccepted, the matchers\')', async () => {
      const r = await tg.publish(event('ReferralAccepted', o.agent, { '@type': 'Referral', id: o.referralId, status: 'accepted' }));
      return `published: ${r.status} seq ${r.seq}`;
    }),
    await attempt('spoof another agent\'s source (InsuranceVerified as agent://lab)', async () => {
      const r = await tg.publish(event('InsuranceVerified', 'agent://lab', { '@type': 'Referral', id: o.referralId, status: 'insurance-verified' }));
      return `published: ${r.status} seq ${r.seq}`;
    }),
    await attempt('read lab results', async () => {
      const d = await tg.query<{ labResults: { totalCount: number; nodes: { id: string; value?: number }[] } }>('{ labResults(first: 5) { totalCount nodes { id value } } }');
      return d.labResults.totalCount > 0 ? `read ${d.labResults.totalCount} lab results` : undefined;
    }),
    await attempt('steal a claim (release another agent\'s lease with its fencing token, then take it for a purpose not its own)', async () => {
      if (o.heldClaim) {
        const released = await tg.release(o.heldClaim.node, o.heldClaim.purpose, o.heldClaim.token);
        if (released) return `released ${o.heldClaim.purpose} on ${o.heldClaim.node}`;
      }
      const c = await tg.claim(o.heldClaim?.node ?? o.referralId, 'match', 30_000);
      return c.granted ? `took the match claim (token ${c.token})` : undefined;
    }),
  ];
}
