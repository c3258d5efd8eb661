/** Contract: signal marks (decay, reinforcement, evaporation) and claims (CAS leases with fencing tokens). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppliedChange } from '../../src/core/projection/change-set.ts';
import type { LedgerEntry } from '../../src/ports/graph-store.ts';
import { EVAPORATION_THRESHOLD } from '../../src/ports/graph-store.ts';
import { ProjectionConflictError } from '../../src/core/errors.ts';
import { changeSet, referral, upsert } from './change-sets.ts';
import { withStore, type MakeStoreFn } from './with-store.ts';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const HOUR = 3_600_000;
const close = (a: number | undefined, b: number) => assert.ok(a !== undefined && Math.abs(a - b) < 1e-9, `${a} ≈ ${b}`);

export function marksClaimsContract(makeStore: MakeStoreFn): void {
  void describe('signal marks', () => {
    void it('leaves a mark whose strength halves every half-life, each change a ledger row with its seq', withStore(makeStore, async (store) => {
      await store.applyBatch([referral('e-1', 'r-1', 'p-1')]);
      const seen: LedgerEntry[] = [];
      store.onCommit((e) => seen.push(...e));
      const { mark, seq } = await store.leaveMark({ on: 'r-1', kind: 'needs-review', strength: 0.8, halfLifeMs: HOUR, agent: 'agent://triage', note: 'odd dose', now: T0 });
      assert.equal(seq, 2);
      assert.equal(mark.strength, 0.8);
      assert.deepEqual(mark.on, { id: 'r-1', class: 'Referral' });
      assert.equal(mark.note, 'odd dose');
      // 0.8 · 0.5^(t/h) < 0.01 ⇔ t > h·log2(80)
      assert.equal(Date.parse(mark.expiresAt), T0 + Math.ceil(HOUR * Math.log2(0.8 / EVAPORATION_THRESHOLD)));
      const later = await store.marksOn(['r-1', 'p-1'], { now: T0 + 2 * HOUR });
      close(later.get('r-1')?.[0]?.strength, 0.2);
      assert.deepEqual(later.get('p-1'), []);
      assert.deepEqual((await store.marksOn(['r-1'], { now: T0 + 2 * HOUR, minStrength: 0.3 })).get('r-1'), []);
      assert.deepEqual((await store.marksOn(['r-1'], { now: T0, kind: 'other' })).get('r-1'), []);
      const entry = await store.ledger(1, 1);
      assert.equal(entry[0]?.kind, 'mark');
      assert.equal(entry[0]?.type, 'tg:MarkLeft');
      const change = entry[0]?.changes[0] as AppliedChange;
      assert.deepEqual(change, { kind: 'mark', change: 'left', markId: mark.id, on: { id: 'r-1', class: 'Referral' }, markKind: 'needs-review', strength: 0.8, agent: 'agent://triage' });
      assert.deepEqual(seen.map((e) => e.seq), [2]);
      assert.deepEqual((await store.history('r-1')).map((e) => e.kind), ['event', 'mark']);
    }));

    void it('reinforces: back to the first strength by default, or adds, capped; the decay clock restarts', withStore(makeStore, async (store) => {
      await store.applyBatch([referral('e-1', 'r-1', 'p-1')]);
      const { mark } = await store.leaveMark({ on: 'r-1', kind: 'hot', strength: 0.8, halfLifeMs: HOUR, agent: 'a', now: T0 });
      const r1 = await store.reinforceMark({ markId: mark.id, agent: 'b', now: T0 + HOUR });
      assert.equal(r1.seq, 3);
      close(r1.mark.strength, 0.8);
      assert.equal(r1.mark.reinforcedAt, new Date(T0 + HOUR).toISOString());
      close((await store.marksOn(['r-1'], { now: T0 + 2 * HOUR })).get('r-1')?.[0]?.strength, 0.4);
      const r2 = await store.reinforceMark({ markId: mark.id, by: 0.1, agent: 'b', now: T0 + 2 * HOUR });
      close(r2.mark.strength, 0.5);
      const r3 = await store.reinforceMark({ markId: mark.id, by: 5, agent: 'b', now: T0 + 2 * HOUR });
      close(r3.mark.strength, 1);
      assert.equal((await store.findEvent((await store.ledger(2, 1))[0]?.eventId ?? ''))?.type, 'tg:MarkReinforced');
      await assert.rejects(store.reinforceMark({ markId: mark.id, agent: 'b', now: T0 + 100 * HOUR }), /evaporated/);
      await assert.rejects(store.reinforceMark({ markId: 'nope', agent: 'b', now: T0 }));
    }));

    void it('sweeps evaporated marks (half-life or ttl) with one ledger row each, and removes marks on request', withStore(makeStore, async (store) => {
      await store.applyBatch([referral('e-1', 'r-1', 'p-1')]);
      await store.leaveMark({ on: 'r-1', kind: 'decays', strength: 1, halfLifeMs: 1000, agent: 'a', now: T0 });
      await store.leaveMark({ on: 'p-1', kind: 'lease', strength: 1, ttlMs: 5000, agent: 'a', now: T0 });
      const keep = await store.leaveMark({ on: 'p-1', kind: 'keep', strength: 1, ttlMs: 60_000, agent: 'a', now: T0 });
      assert.equal(await store.sweepMarks(T0 + 4000), 0);
      assert.equal((await store.marksOn(['p-1'], { now: T0 + 5000 })).get('p-1')?.length, 1, 'a mark past its ttl is no longer visible');
      assert.equal(await store.sweepMarks(T0 + 10_000), 2);
      const rows = await store.ledger(4, 10);
      assert.deepEqual(rows.map((r) => [r.seq, r.type]), [[5, 'tg:MarkEvaporated'], [6, 'tg:MarkEvaporated']]);
      assert.equal(await store.sweepMarks(T0 + 10_000), 0);
      const seq = await store.removeMark(keep.mark.id, 'agent://cleanup');
      assert.equal(seq, 7);
      assert.equal(await store.removeMark(keep.mark.id, 'agent://cleanup'), undefined);
      assert.deepEqual((await store.marksOn(['p-1'], { now: T0 })).get('p-1'), []);
    }));

    void it('returns a node\'s marks in the order they were left: by createdAt, marks of one instant by the seq that recorded them', withStore(makeStore, async (store) => {
      await store.applyBatch([referral('e-1', 'r-1', 'p-1')]);
      // Ids are random: a store ordering ties by id would get these six wrong almost every time.
      const left: string[] = [];
      for (let i = 0; i < 6; i++) {
        const { mark, seq } = await store.leaveMark({ on: 'r-1', kind: i % 2 ? 'a' : 'b', strength: 1, ttlMs: HOUR, agent: 'agent://x', now: T0 });
        assert.equal(mark.createdSeq, seq, 'createdSeq is the seq of the MarkLeft row');
        left.push(mark.id);
      }
      const earlier = await store.leaveMark({ on: 'r-1', kind: 'a', strength: 1, ttlMs: HOUR, agent: 'agent://x', now: T0 - 1000 });
      const marks = (await store.marksOn(['r-1'], { now: T0 })).get('r-1') ?? [];
      assert.deepEqual(marks.map((m) => m.id), [earlier.mark.id, ...left]);
      assert.deepEqual((await store.marksOn(['r-1'], { now: T0, kind: 'a' })).get('r-1')?.map((m) => m.id), [earlier.mark.id, left[1], left[3], left[5]]);
    }));

    void it('refuses marks on missing nodes and marks that could never evaporate', withStore(makeStore, async (store) => {
      await store.applyBatch([referral('e-1', 'r-1', 'p-1')]);
      await assert.rejects(store.leaveMark({ on: 'ghost', kind: 'k', strength: 1, ttlMs: 10, agent: 'a' }));
      await assert.rejects(store.leaveMark({ on: 'r-1', kind: 'k', strength: 1, agent: 'a' }));
      assert.equal(await store.headSeq(), 1);
    }));
  });

  void describe('claims', () => {
    void it('grants a free claim, refuses a held one with the holder, and never gives it to two agents', withStore(makeStore, async (store) => {
      await store.applyBatch([referral('e-1', 'r-1', 'p-1')]);
      const a = await store.claim({ on: 'r-1', purpose: 'triage', agent: 'agent://a', ttlMs: 60_000, now: T0 });
      assert.ok(a.granted);
      assert.equal(a.seq, 2);
      assert.equal(a.claim.token, 1);
      assert.equal(a.claim.expiresAt, new Date(T0 + 60_000).toISOString());
      const b = await store.claim({ on: 'r-1', purpose: 'triage', agent: 'agent://b', ttlMs: 60_000, now: T0 + 1000 });
      assert.equal(b.granted, false);
      assert.ok(!b.granted && b.holder.agent === 'agent://a' && b.holder.token === 1);
      const other = await store.claim({ on: 'r-1', purpose: 'billing', agent: 'agent://b', ttlMs: 60_000, now: T0 + 1000 });
      assert.ok(other.granted, 'purposes are independent');
      const held = await store.claimsOn(['r-1', 'p-1'], T0 + 2000);
      assert.deepEqual(held.get('r-1')?.map((c) => [c.purpose, c.agent]), [['billing', 'agent://b'], ['triage', 'agent://a']]);
      assert.deepEqual(held.get('p-1'), []);
      await assert.rejects(store.claim({ on: 'ghost', purpose: 'x', agent: 'a', ttlMs: 1000 }));
    }));

    void it('lets a new agent take over an expired claim with a larger token, recording the expiry first', withStore(makeStore, async (store) => {
      await store.applyBatch([referral('e-1', 'r-1', 'p-1')]);
      const a = await store.claim({ on: 'r-1', purpose: 'triage', agent: 'agent://a', ttlMs: 1000, now: T0 });
      const b = await store.claim({ on: 'r-1', purpose: 'triage', agent: 'agent://b', ttlMs: 1000, now: T0 + 1000 });
      assert.ok(a.granted && b.granted);
      assert.ok(b.claim.token > a.claim.token);
      const rows = await store.ledger(2, 10);
      assert.deepEqual(rows.map((r) => [r.seq, r.type]), [[3, 'tg:ClaimExpired'], [4, 'tg:ClaimGranted']]);
      assert.equal(b.seq, 4);
      // The old holder's token is stale now.
      assert.equal(await store.releaseClaim({ on: 'r-1', purpose: 'triage', agent: 'agent://a', token: a.claim.token, now: T0 + 1001 }), false);
      const renew = await store.renewClaim({ on: 'r-1', purpose: 'triage', agent: 'agent://a', ttlMs: 1000, token: a.claim.token, now: T0 + 1001 });
      assert.equal(renew.granted, false);
    }));

    void it('renews and releases with the current token; tokens keep growing after release', withStore(makeStore, async (store) => {
      await store.applyBatch([referral('e-1', 'r-1', 'p-1')]);
      const a = await store.claim({ on: 'r-1', purpose: 'triage', agent: 'agent://a', ttlMs: 1000, now: T0 });
      assert.ok(a.granted);
      const r = await store.renewClaim({ on: 'r-1', purpose: 'triage', agent: 'agent://a', ttlMs: 5000, token: a.claim.token, now: T0 + 900 });
      assert.ok(r.granted);
      assert.equal(r.claim.expiresAt, new Date(T0 + 5900).toISOString());
      assert.equal(r.claim.token, a.claim.token);
      const blocked = await store.claim({ on: 'r-1', purpose: 'triage', agent: 'agent://b', ttlMs: 1000, now: T0 + 2000 });
      assert.equal(blocked.granted, false, 'the renewed lease still holds');
      assert.equal(await store.releaseClaim({ on: 'r-1', purpose: 'triage', agent: 'agent://a', token: a.claim.token, now: T0 + 2000 }), true);
      assert.equal(await store.releaseClaim({ on: 'r-1', purpose: 'triage', agent: 'agent://a', token: a.claim.token, now: T0 + 2000 }), false);
      const b = await store.claim({ on: 'r-1', purpose: 'triage', agent: 'agent://b', ttlMs: 1000, now: T0 + 2001 });
      assert.ok(b.granted && b.claim.token === a.claim.token + 1);
      const types = (await store.ledger(1, 10)).map((e) => e.type);
      assert.deepEqual(types, ['tg:ClaimGranted', 'tg:ClaimRenewed', 'tg:ClaimReleased', 'tg:ClaimGranted']);
      const released = (await store.ledger(3, 1))[0]?.changes[0];
      assert.equal(released?.kind === 'claim' && released.change, 'released');
    }));

    void it('fences writes: a fenced event applies with the latest token, and is refused once the claim was taken over', withStore(makeStore, async (store) => {
      await store.applyBatch([referral('e-1', 'r-1', 'p-1')]);
      const accept = (eventId: string, source: string, token: number) =>
        changeSet(eventId, [upsert('Referral/r-1', { priority: 'urgent' })], { source, type: 'ReferralTriaged', subject: 'Referral/r-1', fence: { on: 'r-1', purpose: 'match', token } });
      // No claim ever made for (r-1, match): nothing to fence against (a graph rebuilt from history keeps no claims).
      const [free] = await store.applyBatch([accept('x-0', 'agent://x', 7)]);
      assert.equal(free?.duplicate, false);
      const a = await store.claim({ on: 'r-1', purpose: 'match', agent: 'agent://a', ttlMs: 1000, now: T0 });
      assert.ok(a.granted);
      // a's lease runs out while it works; b takes the claim over.
      const b = await store.claim({ on: 'r-1', purpose: 'match', agent: 'agent://b', ttlMs: 1000, now: T0 + 1500 });
      assert.ok(b.granted && b.claim.token === a.claim.token + 1);
      const head = await store.headSeq();
      // a's write arrives late, in a batch with an unfenced event: the whole batch is refused, nothing applied.
      await assert.rejects(store.applyBatch([referral('e-2', 'r-2', 'p-2'), accept('accept-r-1', 'agent://a', a.claim.token)]), (err: Error) => {
        assert.equal(err.name, 'StaleClaimError');
        assert.ok(err instanceof ProjectionConflictError, 'dead-lettered as a projection conflict');
        assert.equal((err as ProjectionConflictError).eventId, 'accept-r-1');
        assert.equal((err as ProjectionConflictError).pointer, '/claimtoken');
        assert.match(err.message, /stale claim token 1 for "match" on r-1: token 2 was granted since/);
        return true;
      });
      assert.equal(await store.headSeq(), head, 'a refused batch leaves no ledger row');
      assert.equal((await store.getNode('r-2')), undefined);
      await assert.rejects(store.applyBatch([accept('bogus', 'agent://c', b.claim.token + 5)]), /was never granted/);
      // b's token is the latest: its write applies — also after b released the claim, as nobody was granted one since.
      assert.equal(await store.releaseClaim({ on: 'r-1', purpose: 'match', agent: 'agent://b', token: b.claim.token, now: T0 + 1600 }), true);
      const [ok] = await store.applyBatch([accept('accept-r-1', 'agent://b', b.claim.token)]);
      assert.equal(ok?.duplicate, false);
      assert.equal((await store.getNode('r-1'))?.properties.priority, 'urgent');
      const accepted = (await store.ledger(0, 100)).filter((e) => e.eventId === 'accept-r-1');
      assert.deepEqual(accepted.map((e) => e.source), ['agent://b'], 'exactly one accept, by the current holder');
    }));

    void it('sweeps expired claims with one ledger row each', withStore(makeStore, async (store) => {
      await store.applyBatch([referral('e-1', 'r-1', 'p-1'), referral('e-2', 'r-2', 'p-2')]);
      await store.claim({ on: 'r-1', purpose: 'triage', agent: 'a', ttlMs: 1000, now: T0 });
      await store.claim({ on: 'r-2', purpose: 'triage', agent: 'a', ttlMs: 1000, now: T0 });
      await store.claim({ on: 'p-1', purpose: 'triage', agent: 'a', ttlMs: 9000, now: T0 });
      assert.equal(await store.sweepClaims(T0 + 999), 0);
      assert.equal(await store.sweepClaims(T0 + 1000), 2);
      assert.deepEqual((await store.ledger(5, 10)).map((e) => e.type), ['tg:ClaimExpired', 'tg:ClaimExpired']);
      assert.deepEqual([...(await store.claimsOn(['r-1', 'r-2', 'p-1'], T0 + 1000)).values()].map((c) => c.length), [0, 0, 1]);
      const again = await store.claim({ on: 'r-1', purpose: 'triage', agent: 'b', ttlMs: 1000, now: T0 + 1000 });
      assert.ok(again.granted && again.claim.token === 2);
    }));
  });
}
