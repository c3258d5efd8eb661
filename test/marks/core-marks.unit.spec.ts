import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileMarkFilter, UnknownClassFilterError } from '../../src/core/marks/filter.ts';
import { toChangeMark, touchedNodeIds, parseChangeMark } from '../../src/core/marks/change-mark.ts';
import { markExpiry, strengthAt } from '../../src/core/marks/decay.ts';
import type { LedgerEntry } from '../../src/core/store/records.ts';
import { clinicOntology } from '../fixtures/clinic-ontology.ts';

const ontology = clinicOntology();

const entry = (over: Partial<LedgerEntry>): LedgerEntry => ({
  seq: 1, kind: 'event', eventId: 'e1', type: 'ReferralRequested', source: 'agent://intake',
  time: '2026-01-01T00:00:00Z', committedAt: '2026-01-01T00:00:01Z', changes: [], ...over,
});

const referralRequested = toChangeMark(entry({
  seq: 7,
  traceparent: '00-abc-def-01',
  event: { big: 'payload' },
  changes: [
    { kind: 'node', change: 'created', id: 'r-1', class: 'Referral', properties: ['reason'] },
    { kind: 'node', change: 'created', id: 'gp-7', class: 'GeneralPractitioner' },
    { kind: 'relationship', change: 'created', type: 'referredBy', from: { id: 'r-1', class: 'Referral' }, to: { id: 'gp-7', class: 'GeneralPractitioner' } },
  ],
}));
const markLeft = toChangeMark(entry({
  seq: 8, kind: 'mark', type: 'tg:MarkLeft', eventId: 'mark:m1:1',
  changes: [{ kind: 'mark', change: 'left', markId: 'm1', on: { id: 'r-1', class: 'Referral' }, markKind: 'needs-review', strength: 1, agent: 'a' }],
}));
const claimGranted = toChangeMark(entry({
  seq: 9, kind: 'claim', type: 'tg:ClaimGranted', eventId: 'claim:r-1:1',
  changes: [{ kind: 'claim', change: 'granted', on: { id: 'r-1', class: 'Referral' }, purpose: 'triage', agent: 'a', token: 1, expiresAt: 'x' }],
}));
const all = [referralRequested, markLeft, claimGranted];
const seqs = (where: Parameters<typeof compileMarkFilter>[0]): number[] =>
  all.filter(compileMarkFilter(where, ontology)).map((m) => m.seq);

void describe('change marks', () => {
  void it('carry the ledger entry minus the raw event, and every touched node once', () => {
    assert.equal(referralRequested.seq, 7);
    assert.equal(referralRequested.traceparent, '00-abc-def-01');
    assert.equal('event' in referralRequested, false);
    assert.deepEqual(touchedNodeIds(referralRequested), ['r-1', 'gp-7']);
  });
  void it('are validated when they come off the wire', () => {
    assert.deepEqual(parseChangeMark(JSON.parse(JSON.stringify(markLeft))), markLeft);
    assert.equal(parseChangeMark({ seq: 'x' }), undefined);
    assert.equal(parseChangeMark(null), undefined);
  });
});

void describe('mark filters', () => {
  void it('an empty filter matches everything', () => assert.deepEqual(seqs({}), [7, 8, 9]));
  void it('classes include subclasses, through either relationship endpoint', () => {
    assert.deepEqual(seqs({ classes: ['Practitioner'] }), [7]);
    assert.deepEqual(seqs({ classes: ['Specialist'] }), []);
    assert.deepEqual(seqs({ classes: ['Referral'] }), [7, 8, 9]);
  });
  void it('ids, event types and relationship types', () => {
    assert.deepEqual(seqs({ ids: ['gp-7'] }), [7]);
    assert.deepEqual(seqs({ eventTypes: ['tg:MarkLeft', 'tg:ClaimGranted'] }), [8, 9]);
    assert.deepEqual(seqs({ relationships: ['referredBy'] }), [7]);
    assert.deepEqual(seqs({ relationships: ['forPatient'] }), []);
  });
  void it('kinds select signal marks by kind and claims by `claim` or `claim:<purpose>`', () => {
    assert.deepEqual(seqs({ kinds: ['needs-review'] }), [8]);
    assert.deepEqual(seqs({ kinds: ['claim'] }), [9]);
    assert.deepEqual(seqs({ kinds: ['claim:triage'] }), [9]);
    assert.deepEqual(seqs({ kinds: ['claim:billing'] }), []);
  });
  void it('fields combine with AND on the same change', () => {
    // gp-7 is touched by mark 7, but not by a referredTo relationship.
    assert.deepEqual(seqs({ ids: ['gp-7'], relationships: ['referredTo'] }), []);
    assert.deepEqual(seqs({ ids: ['r-1'], kinds: ['needs-review'], eventTypes: ['tg:MarkLeft'] }), [8]);
  });
  void it('an unknown class is an error, not a silent empty subscription', () => {
    assert.throws(() => compileMarkFilter({ classes: ['Referal'] }, ontology), UnknownClassFilterError);
  });
});

void describe('decay', () => {
  void it('halves every half-life and evaporates at the threshold or the TTL, whichever first', () => {
    assert.equal(strengthAt({ strength: 0.8, halfLifeMs: 1000, reinforcedAt: 0, expiresAt: 1e9 }, 1000), 0.4);
    assert.equal(strengthAt({ strength: 0.8, halfLifeMs: undefined, reinforcedAt: 0, expiresAt: 1e9 }, 1000), 0.8);
    // 1 → 0.01 takes log2(100) ≈ 6.64 half-lives, rounded up to a whole millisecond
    assert.equal(markExpiry(1, 1000, undefined, 0), 6644);
    assert.equal(markExpiry(1, 1000, 500, 100), 600);
    assert.throws(() => markExpiry(1, undefined, undefined, 0), /never evaporate/);
  });
});

