/**
 * Signal marks and claims on Neo4j. Each write transaction locks the head node first (the ledger seq is shared
 * with events), then the mark or claim itself; what to write is decided by core's rules (core/marks/decay.ts,
 * core/claims/rules.ts, core/store/ledger.ts) from what was read under those locks.
 */
import { randomUUID } from 'node:crypto';
import { decideClaim, isHolder, renewed, sweepOrder, type HeldClaim } from '../../core/claims/rules.ts';
import { NotFoundError } from '../../core/errors.ts';
import { markExpiry, markSweepOrder, reinforcedStrength } from '../../core/marks/decay.ts';
import type { AppliedChange, NodeRef } from '../../core/projection/change-set.ts';
import { CLAIM_TYPES, claimChange, claimIdPart, MARK_TYPES, markChange, systemEntry } from '../../core/store/ledger.ts';
import type { ClaimInput, ClaimResult, LedgerEntry, LeaveMarkInput, MarkGuard, ReinforceMarkInput, SignalMark } from '../../core/store/records.ts';
import { checkLeaveMark, checkLifetime } from '../../core/marks/input-rules.ts';
import * as a from './cypher/apply.ts';
import * as cl from './cypher/claims.ts';
import * as mk from './cypher/marks.ts';
import * as reads from './cypher/reads.ts';
import { ledgerRow } from './apply-batch.ts';
import type { Row, Tx } from './executor.ts';
import { toClaim, toSignalMark } from './records.ts';
import { ANY_CLASS } from '../../core/projection/planner.ts';

/** The argument checks every store makes before its transaction: a positive strength and at least one positive lifetime. */
export function checkMarkInput(input: LeaveMarkInput): void {
  checkLeaveMark(input);
}

/** A claim TTL must be a positive, finite number of milliseconds (the check every store makes). */
export function checkTtl(ttlMs: number): void {
  checkLifetime('ttlMs', ttlMs);
}

/** Writes one store-made ledger row with the next seq (inside the head lock). */
async function systemRow(tx: Tx, kind: 'mark' | 'claim', type: string, agent: string, now: number, change: AppliedChange, idPart: string): Promise<LedgerEntry> {
  const [head] = await tx.run(a.lockHead());
  const seq = Number(head?.head ?? 0) + 1;
  const entry = systemEntry(kind, type, idPart, seq, agent, now, change);
  await tx.run(a.writeLedger([ledgerRow(entry)]));
  await tx.run(a.setHead(seq));
  return entry;
}

const markRow = (tx: Tx, m: SignalMark, change: keyof typeof MARK_TYPES, strength: number, agent: string, now: number): Promise<LedgerEntry> =>
  systemRow(tx, 'mark', MARK_TYPES[change], agent, now, markChange(change, m, strength, agent), m.id);

/** Call checkMarkInput before the transaction. */
export async function leaveMark(tx: Tx, input: LeaveMarkInput): Promise<{ mark: SignalMark; entry: LedgerEntry }> {
  const [head] = await tx.run(a.lockHead());
  const now = input.now ?? Date.now();
  const props: mk.MarkProps = {
    id: randomUUID(), on: input.on, kind: input.kind, strength: input.strength, firstStrength: input.strength,
    halfLifeMs: input.halfLifeMs ?? null, ttlMs: input.ttlMs ?? null, agent: input.agent, note: input.note ?? null,
    // The seq systemRow gives the MarkLeft row below (the head is locked, nothing else can take it).
    createdAt: now, createdSeq: Number(head?.head ?? 0) + 1, reinforcedAt: now, expiresAt: markExpiry(input.strength, input.halfLifeMs, input.ttlMs, now),
  };
  const [row] = await tx.run(mk.createMark(props));
  if (!row) throw new NotFoundError(`node ${input.on} does not exist; marks can only be left on existing nodes`);
  const mark = toSignalMark(row.mark as Row, now);
  return { mark, entry: await markRow(tx, mark, 'left', mark.strength, input.agent, now) };
}

/** Locks mark `markId` and returns it as `guard` lets the caller act on it: undefined when absent or on a node its scope hides; throws for a refused kind. */
async function guardedMark(tx: Tx, markId: string, guard: MarkGuard | undefined): Promise<Row | undefined> {
  const [row] = await tx.run(mk.lockMark(markId));
  const m = row?.mark as Row | undefined;
  if (!m || (guard?.scope && (await tx.run(reads.getNodes([String(m.on)], guard.scope))).length === 0)) return undefined;
  guard?.checkKind?.(String(m.kind));
  return m;
}

export async function reinforceMark(tx: Tx, input: ReinforceMarkInput): Promise<{ mark: SignalMark; entry: LedgerEntry }> {
  await tx.run(a.lockHead());
  const now = input.now ?? Date.now();
  const m = await guardedMark(tx, input.markId, input.guard);
  if (!m || Number(m.expiresAt) <= now) throw new NotFoundError(`mark ${input.markId} does not exist or has evaporated; leave a new mark`);
  const current = toSignalMark(m, now);
  const strength = reinforcedStrength(current.strength, Number(m.firstStrength), input.by);
  const ttlMs = m.ttlMs === null || m.ttlMs === undefined ? undefined : Number(m.ttlMs);
  const [out] = await tx.run(mk.reinforceMark(input.markId, strength, markExpiry(strength, current.halfLifeMs, ttlMs, now), now));
  const mark = toSignalMark(out?.mark as Row, now);
  return { mark, entry: await markRow(tx, mark, 'reinforced', strength, input.agent, now) };
}

export async function removeMark(tx: Tx, markId: string, agent: string, guard?: MarkGuard, now = Date.now()): Promise<LedgerEntry | undefined> {
  await tx.run(a.lockHead());
  const m = await guardedMark(tx, markId, guard);
  if (!m) return undefined;
  // Its strength when removed: core's decay, 0 once past its expiry.
  const mark = toSignalMark(m, now);
  await tx.run(mk.deleteMark(markId));
  return markRow(tx, mark, 'removed', mark.strength, agent, now);
}

export async function sweepMarks(tx: Tx, now: number): Promise<LedgerEntry[]> {
  await tx.run(a.lockHead());
  const out: LedgerEntry[] = [];
  const marks = (await tx.run(mk.sweepMarks(now))).map((row) => toSignalMark(row.mark as Row, now));
  marks.sort((x, y) => markSweepOrder({ expiresAt: Date.parse(x.expiresAt), id: x.id }, { expiresAt: Date.parse(y.expiresAt), id: y.id }));
  for (const mark of marks) out.push(await markRow(tx, mark, 'evaporated', 0, mark.agent, now));
  return out;
}

const heldOf = (r: Row): HeldClaim | undefined =>
  r.agent === null || r.agent === undefined ? undefined : { agent: String(r.agent), token: Number(r.token), grantedAt: Number(r.grantedAt), expiresAt: Number(r.expiresAt) };

const claimRow = (tx: Tx, change: keyof typeof CLAIM_TYPES, on: NodeRef, purpose: string, lease: HeldClaim, agent: string, now: number): Promise<LedgerEntry> =>
  systemRow(tx, 'claim', CLAIM_TYPES[change], agent, now, claimChange(change, on, purpose, lease), claimIdPart(on.id, purpose));

export async function claim(tx: Tx, input: ClaimInput): Promise<{ result: ClaimResult; entries: LedgerEntry[] }> {
  await tx.run(a.lockHead());
  const now = input.now ?? Date.now();
  const [row] = await tx.run(cl.lockClaim(input.on, input.purpose));
  if (!row) throw new NotFoundError(`node ${input.on} does not exist; only existing nodes can be claimed`);
  const on = { id: input.on, class: String(row.onClass ?? ANY_CLASS) };
  const d = decideClaim(heldOf(row), Number(row.token ?? 0), input.agent, input.ttlMs, now);
  if (!d.granted) return { result: { granted: false, holder: toClaim(input.on, row.onClass, input.purpose, d.holder) }, entries: [] };
  const entries: LedgerEntry[] = [];
  if (d.expired) entries.push(await claimRow(tx, 'expired', on, input.purpose, d.expired, d.expired.agent, now));
  await tx.run(cl.writeClaim(input.on, input.purpose, d.claim));
  const entry = await claimRow(tx, 'granted', on, input.purpose, d.claim, input.agent, now);
  entries.push(entry);
  return { result: { granted: true, claim: toClaim(input.on, row.onClass, input.purpose, d.claim), seq: entry.seq }, entries };
}

export async function renewClaim(tx: Tx, input: ClaimInput & { token: number }): Promise<{ result: ClaimResult; entries: LedgerEntry[] }> {
  await tx.run(a.lockHead());
  const now = input.now ?? Date.now();
  const [row] = await tx.run(cl.lockExistingClaim(input.on, input.purpose));
  const held = row && heldOf(row);
  if (!row || !held) throw new NotFoundError(`no claim on ${input.on} for "${input.purpose}" (released or expired); claim it again`);
  if (!isHolder(held, input.agent, input.token)) return { result: { granted: false, holder: toClaim(input.on, row.onClass, input.purpose, held) }, entries: [] };
  const lease = renewed(held, input.ttlMs, now);
  await tx.run(cl.writeClaim(input.on, input.purpose, lease));
  const entry = await claimRow(tx, 'renewed', { id: input.on, class: String(row.onClass ?? ANY_CLASS) }, input.purpose, lease, input.agent, now);
  return { result: { granted: true, claim: toClaim(input.on, row.onClass, input.purpose, lease), seq: entry.seq }, entries: [entry] };
}

export async function releaseClaim(tx: Tx, input: { on: string; purpose: string; agent: string; token: number; now?: number }): Promise<LedgerEntry | undefined> {
  await tx.run(a.lockHead());
  const now = input.now ?? Date.now();
  const [row] = await tx.run(cl.lockExistingClaim(input.on, input.purpose));
  const held = row && heldOf(row);
  if (!row || !held || !isHolder(held, input.agent, input.token)) return undefined;
  await tx.run(cl.freeClaim(input.on, input.purpose));
  return claimRow(tx, 'released', { id: input.on, class: String(row.onClass ?? ANY_CLASS) }, input.purpose, held, input.agent, now);
}

export async function sweepClaims(tx: Tx, now: number): Promise<LedgerEntry[]> {
  await tx.run(a.lockHead());
  const out: LedgerEntry[] = [];
  const rows = (await tx.run(cl.sweepClaims(now))).map((r) => ({ row: r, on: String(r.on), purpose: String(r.purpose), expiresAt: Number(r.expiresAt) })).sort(sweepOrder);
  for (const { row, on, purpose } of rows) {
    const lease = heldOf(row)!;
    out.push(await claimRow(tx, 'expired', { id: on, class: String(row.onClass ?? ANY_CLASS) }, purpose, lease, lease.agent, now));
  }
  return out;
}
