/**
 * Signal marks and claims on Neo4j. Each write transaction locks the head node first (the ledger seq is shared
 * with events), then the mark or claim itself; claims are decided by one compare-and-set statement.
 */
import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../../core/errors.ts';
import type { AppliedChange } from '../../core/projection/change-set.ts';
import { EVAPORATION_THRESHOLD, type ClaimInput, type ClaimResult, type LedgerEntry, type LeaveMarkInput, type ReinforceMarkInput, type SignalMark } from '../../ports/graph-store.ts';
import * as a from './cypher/apply.ts';
import * as cl from './cypher/claims.ts';
import * as mk from './cypher/marks.ts';
import { ledgerRow } from './apply-batch.ts';
import type { Row, Tx } from './executor.ts';
import { toClaim, toSignalMark } from './records.ts';

/**
 * When a mark of `strength` reinforced at `at` evaporates: the earlier of its TTL and its decay below
 * EVAPORATION_THRESHOLD — the SQLite adapter's formula to the millisecond (`at + ceil(h · log2(s / threshold))`).
 */
export function markExpiry(strength: number, halfLifeMs: number | undefined, ttlMs: number | undefined, at: number): number {
  if (halfLifeMs === undefined && ttlMs === undefined) throw new RangeError('a mark needs halfLifeMs or ttlMs (or both), or it would never evaporate');
  let t = Number.POSITIVE_INFINITY;
  if (halfLifeMs !== undefined) t = strength <= EVAPORATION_THRESHOLD ? at : at + Math.ceil(halfLifeMs * Math.log2(strength / EVAPORATION_THRESHOLD));
  if (ttlMs !== undefined) t = Math.min(t, at + ttlMs);
  return t;
}

/** The checks SQLite makes before its transaction: a positive strength and at least one positive lifetime. */
export function checkMarkInput(input: LeaveMarkInput): void {
  if (!(input.strength > 0)) throw new RangeError(`mark strength must be > 0, got ${input.strength}`);
  if (input.halfLifeMs === undefined && input.ttlMs === undefined) throw new RangeError('a mark needs halfLifeMs or ttlMs (or both), or it would never evaporate');
  for (const [k, v] of [['halfLifeMs', input.halfLifeMs], ['ttlMs', input.ttlMs]] as const) {
    if (v !== undefined && !(v > 0)) throw new RangeError(`${k} must be > 0, got ${v}`);
  }
}

/** A claim TTL must be a positive, finite number of milliseconds (as in SQLite). */
export function checkTtl(ttlMs: number): void {
  if (!(ttlMs > 0) || !Number.isFinite(ttlMs)) throw new RangeError(`ttlMs must be a positive number of milliseconds, got ${ttlMs}`);
}

/**
 * The strength a reinforcement sets (SQLite's rule): default back to the first strength (never below the current
 * one), else current + by; capped at max(1, first strength) because marks saturate instead of growing without bound.
 */
export function reinforcedStrength(current: number, first: number, by: number | undefined): number {
  const cap = Math.max(1, first);
  return Math.min(cap, by === undefined ? Math.max(first, current) : current + by);
}

/** Writes one store-made ledger row with the next seq (inside the head lock). */
async function systemRow(tx: Tx, kind: 'mark' | 'claim', type: string, agent: string, now: number, change: AppliedChange, idPart: string): Promise<LedgerEntry> {
  const [head] = await tx.run(a.lockHead());
  const seq = Number(head?.head ?? 0) + 1;
  const entry: LedgerEntry = { seq, kind, eventId: `${kind}:${idPart}:${seq}`, type, source: agent, time: new Date(now).toISOString(), committedAt: new Date().toISOString(), changes: [change] };
  await tx.run(a.writeLedger([ledgerRow(entry)]));
  await tx.run(a.setHead(seq));
  return entry;
}

const markChange = (m: SignalMark, change: 'left' | 'reinforced' | 'evaporated' | 'removed', agent: string): AppliedChange => ({ kind: 'mark', change, markId: m.id, on: m.on, markKind: m.kind, strength: m.strength, agent });

/** Call checkMarkInput before the transaction. */
export async function leaveMark(tx: Tx, input: LeaveMarkInput): Promise<{ mark: SignalMark; entry: LedgerEntry }> {
  await tx.run(a.lockHead());
  const now = input.now ?? Date.now();
  const props: mk.MarkProps = {
    id: randomUUID(), on: input.on, kind: input.kind, strength: input.strength, firstStrength: input.strength,
    halfLifeMs: input.halfLifeMs ?? null, ttlMs: input.ttlMs ?? null, agent: input.agent, note: input.note ?? null,
    createdAt: now, reinforcedAt: now, expiresAt: markExpiry(input.strength, input.halfLifeMs, input.ttlMs, now),
  };
  const [row] = await tx.run(mk.createMark(props, now));
  if (!row) throw new NotFoundError(`node ${input.on} does not exist; marks can only be left on existing nodes`);
  const mark = toSignalMark(row.mark as Row);
  return { mark, entry: await systemRow(tx, 'mark', 'tg:MarkLeft', input.agent, now, markChange(mark, 'left', input.agent), mark.id) };
}

export async function reinforceMark(tx: Tx, input: ReinforceMarkInput): Promise<{ mark: SignalMark; entry: LedgerEntry }> {
  await tx.run(a.lockHead());
  const now = input.now ?? Date.now();
  const [row] = await tx.run(mk.lockMark(input.markId, now));
  const m = row?.mark as Row | undefined;
  if (!m || Number(m.expiresAt) <= now) throw new NotFoundError(`mark ${input.markId} does not exist or has evaporated; leave a new mark`);
  // m.strength is the decayed strength at `now` (MARK_MAP); firstStrength the strength the mark was left with.
  const strength = reinforcedStrength(Number(m.strength), Number(m.firstStrength), input.by);
  const halfLifeMs = m.halfLifeMs === null ? undefined : Number(m.halfLifeMs);
  const ttlMs = m.ttlMs === null ? undefined : Number(m.ttlMs);
  const [out] = await tx.run(mk.reinforceMark(input.markId, strength, markExpiry(strength, halfLifeMs, ttlMs, now), now));
  const mark = toSignalMark(out?.mark as Row);
  return { mark, entry: await systemRow(tx, 'mark', 'tg:MarkReinforced', input.agent, now, markChange(mark, 'reinforced', input.agent), mark.id) };
}

export async function removeMark(tx: Tx, markId: string, agent: string, now = Date.now()): Promise<LedgerEntry | undefined> {
  await tx.run(a.lockHead());
  const [row] = await tx.run(mk.lockMark(markId, now));
  if (!row) return undefined;
  const mark = toSignalMark(row.mark as Row);
  await tx.run(mk.deleteMark(markId));
  // The strength it had when removed: 0 once past its expiry (a ttl-only mark does not decay before that).
  const strength = Date.parse(mark.expiresAt) <= now ? 0 : mark.strength;
  return systemRow(tx, 'mark', 'tg:MarkRemoved', agent, now, markChange({ ...mark, strength }, 'removed', agent), markId);
}

/** Oldest expiry first, then mark id — SQLite's sweep order, made explicit rather than trusted to the query plan. */
const byExpiry = (x: SignalMark, y: SignalMark): number => Date.parse(x.expiresAt) - Date.parse(y.expiresAt) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);

export async function sweepMarks(tx: Tx, now: number): Promise<LedgerEntry[]> {
  await tx.run(a.lockHead());
  const out: LedgerEntry[] = [];
  const marks = (await tx.run(mk.sweepMarks(now))).map((row) => toSignalMark(row.mark as Row)).sort(byExpiry);
  for (const mark of marks) {
    // An evaporated mark has strength 0, whatever its decay curve says (a ttl-only mark never decays).
    out.push(await systemRow(tx, 'mark', 'tg:MarkEvaporated', mark.agent, now, markChange({ ...mark, strength: 0 }, 'evaporated', mark.agent), mark.id));
  }
  return out;
}

const claimChange = (on: { id: string; class: string }, purpose: string, agent: string, token: number, expiresAt: number, change: 'granted' | 'renewed' | 'released' | 'expired'): AppliedChange =>
  ({ kind: 'claim', change, on, purpose, agent, token, expiresAt: new Date(expiresAt).toISOString() });

export async function claim(tx: Tx, input: ClaimInput): Promise<{ result: ClaimResult; entries: LedgerEntry[] }> {
  await tx.run(a.lockHead());
  const now = input.now ?? Date.now();
  const [row] = await tx.run(cl.claim(input.on, input.purpose, input.agent, now, now + input.ttlMs));
  if (!row) throw new NotFoundError(`node ${input.on} does not exist; only existing nodes can be claimed`);
  const c = toClaim(input.on, row.onClass, input.purpose, row);
  if (row.granted !== true) return { result: { granted: false, holder: c }, entries: [] };
  const entries: LedgerEntry[] = [];
  if (row.prevAgent !== null && row.prevAgent !== undefined) {
    // Taking over an expired claim the sweeper has not freed yet: record the expiry first, as the sweeper would.
    entries.push(await systemRow(tx, 'claim', 'tg:ClaimExpired', String(row.prevAgent), now, claimChange(c.on, input.purpose, String(row.prevAgent), Number(row.prevToken), Number(row.prevExpiresAt), 'expired'), `${input.on}:${input.purpose}`));
  }
  const entry = await systemRow(tx, 'claim', 'tg:ClaimGranted', input.agent, now, claimChange(c.on, input.purpose, input.agent, c.token, now + input.ttlMs, 'granted'), `${input.on}:${input.purpose}`);
  entries.push(entry);
  return { result: { granted: true, claim: c, seq: entry.seq }, entries };
}

export async function renewClaim(tx: Tx, input: ClaimInput & { token: number }): Promise<{ result: ClaimResult; entries: LedgerEntry[] }> {
  await tx.run(a.lockHead());
  const now = input.now ?? Date.now();
  const [row] = await tx.run(cl.renewClaim(input.on, input.purpose, input.agent, input.token, now + input.ttlMs));
  // No claim node, or one released / swept (agent removed): SQLite has no row then, and says the same.
  if (!row || row.agent === null || row.agent === undefined) throw new NotFoundError(`no claim on ${input.on} for "${input.purpose}" (released or expired); claim it again`);
  const c = toClaim(input.on, row.onClass, input.purpose, row);
  if (row.held !== true) return { result: { granted: false, holder: c }, entries: [] };
  const entry = await systemRow(tx, 'claim', 'tg:ClaimRenewed', input.agent, now, claimChange(c.on, input.purpose, input.agent, c.token, now + input.ttlMs, 'renewed'), `${input.on}:${input.purpose}`);
  return { result: { granted: true, claim: c, seq: entry.seq }, entries: [entry] };
}

export async function releaseClaim(tx: Tx, input: { on: string; purpose: string; agent: string; token: number; now?: number }): Promise<LedgerEntry | undefined> {
  await tx.run(a.lockHead());
  const now = input.now ?? Date.now();
  const [row] = await tx.run(cl.releaseClaim(input.on, input.purpose, input.agent, input.token));
  if (row?.held !== true) return undefined;
  return systemRow(tx, 'claim', 'tg:ClaimReleased', input.agent, now, claimChange({ id: input.on, class: String(row.onClass ?? 'Resource') }, input.purpose, input.agent, input.token, Number(row.expiresAt), 'released'), `${input.on}:${input.purpose}`);
}

export async function sweepClaims(tx: Tx, now: number): Promise<LedgerEntry[]> {
  await tx.run(a.lockHead());
  const out: LedgerEntry[] = [];
  const rows = (await tx.run(cl.sweepClaims(now))).sort((x, y) => Number(x.expiresAt) - Number(y.expiresAt) || String(x.on).localeCompare(String(y.on)) || String(x.purpose).localeCompare(String(y.purpose)));
  for (const r of rows) {
    const on = { id: String(r.on), class: String(r.onClass ?? 'Resource') };
    out.push(await systemRow(tx, 'claim', 'tg:ClaimExpired', String(r.agent), now, claimChange(on, String(r.purpose), String(r.agent), Number(r.token), Number(r.expiresAt), 'expired'), `${on.id}:${String(r.purpose)}`));
  }
  return out;
}
