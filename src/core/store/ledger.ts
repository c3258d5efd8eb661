/**
 * Ledger rules every store follows: which nodes an entry touched (the history index), the ids and types of the
 * rows a store writes for mark and claim changes, and what those changes record. Pure.
 */
import type { AppliedChange, NodeRef } from '../projection/change-set.ts';
import type { LedgerEntry } from './records.ts';

/** The node ids changes touch, in first-seen order without repeats: nodes, both relationship endpoints, marked / claimed nodes. */
export function touchedIds(changes: readonly AppliedChange[]): string[] {
  const ids = new Set<string>();
  for (const c of changes) {
    if (c.kind === 'node') ids.add(c.id);
    else if (c.kind === 'relationship') {
      ids.add(c.from.id);
      ids.add(c.to.id);
    } else ids.add(c.on.id);
  }
  return [...ids];
}

/** Ledger types of the rows a store writes for mark changes. */
export const MARK_TYPES = { left: 'tg:MarkLeft', reinforced: 'tg:MarkReinforced', evaporated: 'tg:MarkEvaporated', removed: 'tg:MarkRemoved' } as const;
/** Ledger types of the rows a store writes for claim changes. */
export const CLAIM_TYPES = { granted: 'tg:ClaimGranted', renewed: 'tg:ClaimRenewed', released: 'tg:ClaimReleased', expired: 'tg:ClaimExpired' } as const;

/** A mark / claim row's event id: `<kind>:<id part>:<seq>` — unique because seq is. Claims use `<node>:<purpose>` as the id part. */
export function systemEventId(kind: 'mark' | 'claim', idPart: string, seq: number): string {
  return `${kind}:${idPart}:${seq}`;
}

/** A store-made ledger entry (kind mark or claim) for one change. */
export function systemEntry(kind: 'mark' | 'claim', type: string, idPart: string, seq: number, agent: string, now: number, change: AppliedChange): LedgerEntry {
  return { seq, kind, eventId: systemEventId(kind, idPart, seq), type, source: agent, time: new Date(now).toISOString(), committedAt: new Date().toISOString(), changes: [change] };
}

/** The change a mark row records. Evaporated marks record strength 0. */
export function markChange(change: keyof typeof MARK_TYPES, mark: { readonly id: string; readonly on: NodeRef; readonly kind: string }, strength: number, agent: string): AppliedChange {
  return { kind: 'mark', change, markId: mark.id, on: mark.on, markKind: mark.kind, strength: change === 'evaporated' ? 0 : strength, agent };
}

/** The change a claim row records (`agent`, `token`, `expiresAt` of the lease the change is about). */
export function claimChange(change: keyof typeof CLAIM_TYPES, on: NodeRef, purpose: string, lease: { readonly agent: string; readonly token: number; readonly expiresAt: number }): AppliedChange {
  return { kind: 'claim', change, on, purpose, agent: lease.agent, token: lease.token, expiresAt: new Date(lease.expiresAt).toISOString() };
}

/** The id part of a claim's ledger rows. */
export const claimIdPart = (on: string, purpose: string): string => `${on}:${purpose}`;
