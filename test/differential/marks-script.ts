/**
 * Signal marks and claims for the differential test, played identically on each store through the port with an
 * explicit clock (`now`), so both stores compute the same strengths, expiries and fencing tokens: marks left,
 * reinforced, removed and evaporated (swept); claims granted, refused, renewed, released, expired and re-taken;
 * and the error cases (a mark on a node that does not exist, reinforcing a removed mark).
 * Returns every operation's outcome (to compare) and the alias of each store-minted mark id.
 */
import type { GraphStore } from '../../src/ports/graph-store.ts';

const HALF_LIFE = 2_000_000_000; // ~23 days: decay between the two stores' reads stays far below the rounding
const HOUR = 3_600_000;

export interface ScriptResult {
  readonly outcomes: unknown[];
  readonly markAlias: Map<string, string>;
}

export async function playMarksAndClaims(store: GraphStore, referralIds: readonly string[], t0: number): Promise<ScriptResult> {
  const outcomes: unknown[] = [];
  const markAlias = new Map<string, string>();
  const marks: string[] = [];
  const record = async (label: string, op: () => Promise<unknown>): Promise<unknown> => {
    try {
      const r = await op();
      outcomes.push({ label, ok: r });
      return r;
    } catch (err) {
      outcomes.push({ label, error: (err as Error).name });
      return undefined;
    }
  };
  const leave = async (label: string, input: Parameters<GraphStore['leaveMark']>[0]): Promise<void> => {
    const r = (await record(label, () => store.leaveMark(input))) as { mark: { id: string } } | undefined;
    if (r) {
      markAlias.set(r.mark.id, `mark#${marks.length}`);
      marks.push(r.mark.id);
    }
  };

  const ids = referralIds.slice(0, 60);
  for (const [i, on] of ids.entries()) {
    const now = t0 + i * 1000;
    if (i % 2 === 0) await leave(`leave ${on}`, { on, kind: 'needs-review', strength: i % 4 === 0 ? 1 : 0.3, halfLifeMs: HALF_LIFE, agent: 'agent://intake', note: `check ${i}`, now });
    if (i % 3 === 0) await leave(`leave ttl ${on}`, { on, kind: 'insurance-verified', strength: 0.75, ttlMs: 30 * 24 * HOUR, agent: 'agent://insurance', now });
    if (i % 5 === 0) await leave(`leave short ${on}`, { on, kind: 'needs-review', strength: 0.6, ttlMs: 2000, agent: 'agent://lab', now }); // swept below
  }
  for (const [k, id] of marks.entries()) {
    if (k % 4 === 1) await record(`reinforce ${k}`, () => store.reinforceMark({ markId: id, by: 0.2, agent: 'agent://matcher', now: t0 + 70_000 + k }));
    if (k % 7 === 3) await record(`reinforce-default ${k}`, () => store.reinforceMark({ markId: id, agent: 'agent://matcher', now: t0 + 71_000 + k }));
    if (k % 9 === 2) await record(`remove ${k}`, () => store.removeMark(id, 'agent://notifier'));
  }
  await record('reinforce removed', () => store.reinforceMark({ markId: marks[2]!, agent: 'agent://x', now: t0 + 80_000 }));
  await record('remove twice', () => store.removeMark(marks[2]!, 'agent://x'));
  await leave('leave on missing node', { on: 'no-such-node', kind: 'needs-review', strength: 1, ttlMs: HOUR, agent: 'agent://x', now: t0 });
  await record('sweep marks', () => store.sweepMarks(t0 + 200_000));

  for (const [i, on] of ids.slice(0, 30).entries()) {
    const now = t0 + 300_000 + i * 1000;
    const ttlMs = i % 3 === 0 ? 1000 : 2 * HOUR;
    const first = (await record(`claim ${on}`, () => store.claim({ on, purpose: 'match', agent: 'agent://matcher-1', ttlMs, now }))) as { granted: boolean; claim?: { token: number } } | undefined;
    await record(`claim taken ${on}`, () => store.claim({ on, purpose: 'match', agent: 'agent://matcher-2', ttlMs, now: now + 10 }));
    await record(`claim other purpose ${on}`, () => store.claim({ on, purpose: 'schedule', agent: 'agent://scheduler', ttlMs: HOUR, now: now + 20 }));
    const token = first?.claim?.token ?? -1;
    if (i % 4 === 1) await record(`renew ${on}`, () => store.renewClaim({ on, purpose: 'match', agent: 'agent://matcher-1', ttlMs: 3 * HOUR, token, now: now + 30 }));
    if (i % 4 === 2) await record(`release ${on}`, () => store.releaseClaim({ on, purpose: 'match', agent: 'agent://matcher-1', token, now: now + 40 }));
    if (i % 4 === 2) await record(`release stale ${on}`, () => store.releaseClaim({ on, purpose: 'match', agent: 'agent://matcher-1', token, now: now + 50 }));
    if (i % 5 === 4) await record(`renew wrong token ${on}`, () => store.renewClaim({ on, purpose: 'match', agent: 'agent://matcher-1', ttlMs: HOUR, token: token + 7, now: now + 60 }));
  }
  await record('claim missing node', () => store.claim({ on: 'no-such-node', purpose: 'match', agent: 'agent://x', ttlMs: HOUR, now: t0 }));
  await record('sweep claims', () => store.sweepClaims(t0 + 400_000));
  for (const on of ids.slice(0, 30).filter((_, i) => i % 3 === 0)) {
    await record(`re-claim after expiry ${on}`, () => store.claim({ on, purpose: 'match', agent: 'agent://matcher-2', ttlMs: 2 * HOUR, now: t0 + 500_000 }));
  }
  return { outcomes, markAlias };
}
