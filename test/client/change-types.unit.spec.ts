/**
 * The light client declares the mark-change shapes itself (it carries none of the server). The compiler holds the
 * two declarations together: this file fails `npm run check` when they drift apart in either direction.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { MarkChange } from '../../src/client/index.ts';
import type { AppliedChange } from '../../src/core/projection/change-set.ts';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const inSync: Same<MarkChange, AppliedChange> = true;

void it("the client's MarkChange is the server's AppliedChange, kind by kind", () => {
  assert.equal(inSync, true);
  const claim: MarkChange = { kind: 'claim', change: 'granted', on: { id: 'r-1', class: 'Referral' }, purpose: 'triage', agent: 'agent://a', token: 1, expiresAt: '2026-12-01T00:00:00Z' };
  const applied: AppliedChange = claim;
  assert.equal(applied.kind, 'claim');
});
