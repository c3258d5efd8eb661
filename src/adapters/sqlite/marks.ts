/**
 * Signal marks on SQLite: rows in `marks`, times in epoch ms. The rules — decay, expiry, reinforcement, what each
 * change records — are core's (core/marks/decay.ts, core/store/ledger.ts); this file reads and writes rows.
 * Every leave / reinforce / evaporate / remove writes a ledger row (kind `mark`).
 */
import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../../core/errors.ts';
import { checkLeaveMark, checkReinforceBy } from '../../core/marks/input-rules.ts';
import type { AppliedChange, NodeRef } from '../../core/projection/change-set.ts';
import { markExpiry, reinforcedStrength, strengthAt as decayed, type MarkClock } from '../../core/marks/decay.ts';
import { MARK_TYPES, markChange as change } from '../../core/store/ledger.ts';
import type { LeaveMarkInput, LedgerEntry, MarkGuard, ReinforceMarkInput, SignalMark } from '../../core/store/records.ts';
import { writeTx, type StoreContext } from './context.ts';
import { compareMarks } from '../../core/store/order.ts';
import { nextSeq, writeSystemRow } from './ledger.ts';
import { visibility } from './scope.ts';
import { ANY_CLASS } from '../../core/projection/planner.ts';

interface MarkRow {
  id: string;
  node_id: string;
  class: string | null;
  kind: string;
  strength: number;
  first_strength: number;
  half_life_ms: number | null;
  ttl_ms: number | null;
  agent: string;
  note: string | null;
  created_at: number;
  created_seq: number;
  reinforced_at: number;
  expires_at: number;
}

const MARK_SELECT = 'SELECT m.*, n.class FROM marks m LEFT JOIN nodes n ON n.id = m.node_id';

const clock = (m: Pick<MarkRow, 'strength' | 'half_life_ms' | 'reinforced_at' | 'expires_at'>): MarkClock => ({
  strength: m.strength, halfLifeMs: m.half_life_ms ?? undefined, reinforcedAt: m.reinforced_at, expiresAt: m.expires_at,
});

/** Decayed strength at `now` (0 once expired). */
const strengthAt = (m: Pick<MarkRow, 'strength' | 'half_life_ms' | 'reinforced_at' | 'expires_at'>, now: number): number => decayed(clock(m), now);

/** When a mark of `strength` reinforced at `at` evaporates. */
const expiryOf = (strength: number, halfLifeMs: number | null, ttlMs: number | null, at: number): number => markExpiry(strength, halfLifeMs ?? undefined, ttlMs ?? undefined, at);

function toMark(r: MarkRow, now: number): SignalMark {
  return {
    id: r.id,
    on: { id: r.node_id, class: r.class ?? ANY_CLASS },
    kind: r.kind,
    strength: strengthAt(r, now),
    initialStrength: r.strength,
    ...(r.half_life_ms !== null && { halfLifeMs: r.half_life_ms }),
    expiresAt: new Date(r.expires_at).toISOString(),
    agent: r.agent,
    ...(r.note !== null && { note: r.note }),
    createdAt: new Date(r.created_at).toISOString(),
    createdSeq: r.created_seq,
    reinforcedAt: new Date(r.reinforced_at).toISOString(),
  };
}

function markChange(kind: keyof typeof MARK_TYPES, r: MarkRow, on: NodeRef, strength: number, agent: string): AppliedChange {
  return change(kind, { id: r.id, on, kind: r.kind }, strength, agent);
}

const TYPES = MARK_TYPES;

export function leaveMark(ctx: StoreContext, input: LeaveMarkInput): { mark: SignalMark; seq: number } {
  const now = input.now ?? Date.now();
  checkLeaveMark(input);
  const entries: LedgerEntry[] = [];
  const result = writeTx(ctx, () => {
    const cls = ctx.stmt('SELECT class FROM nodes WHERE id = ?').pluck().get(input.on) as string | undefined;
    if (cls === undefined) throw new NotFoundError(`node ${input.on} does not exist; marks can only be left on existing nodes`);
    const half = input.halfLifeMs ?? null;
    const ttl = input.ttlMs ?? null;
    const row: MarkRow = {
      id: randomUUID(), node_id: input.on, class: cls, kind: input.kind, strength: input.strength, first_strength: input.strength,
      half_life_ms: half, ttl_ms: ttl, agent: input.agent, note: input.note ?? null, created_at: now, reinforced_at: now,
      expires_at: expiryOf(input.strength, half, ttl, now),
      // The seq writeSystemRow gives the MarkLeft row below (the write lock is held).
      created_seq: nextSeq(ctx),
    };
    ctx
      .stmt(`INSERT INTO marks (id, node_id, kind, strength, first_strength, half_life_ms, ttl_ms, agent, note, created_at, created_seq, reinforced_at, expires_at)
             VALUES (@id, @node_id, @kind, @strength, @first_strength, @half_life_ms, @ttl_ms, @agent, @note, @created_at, @created_seq, @reinforced_at, @expires_at)`)
      .run(withoutClass(row));
    const entry = writeSystemRow(ctx, 'mark', TYPES.left, input.agent, now, markChange('left', row, { id: input.on, class: cls }, input.strength, input.agent), row.id);
    entries.push(entry);
    return { mark: toMark(row, now), seq: entry.seq };
  });
  ctx.notify(entries);
  return result;
}

function withoutClass(r: MarkRow): Omit<MarkRow, 'class'> {
  const { class: _c, ...rest } = r;
  return rest;
}

/** Mark `markId` as `guard` lets the caller act on it: undefined when absent or on a node its scope hides; throws for a refused kind. */
function guardedMark(ctx: StoreContext, markId: string, guard: MarkGuard | undefined): MarkRow | undefined {
  const r = ctx.stmt(`${MARK_SELECT} WHERE m.id = ?`).get(markId) as MarkRow | undefined;
  if (!r || (guard?.scope && !visibility(ctx, guard.scope)(r.node_id))) return undefined;
  guard?.checkKind?.(r.kind);
  return r;
}

export function reinforceMark(ctx: StoreContext, input: ReinforceMarkInput): { mark: SignalMark; seq: number } {
  const now = input.now ?? Date.now();
  checkReinforceBy(input.by);
  const entries: LedgerEntry[] = [];
  const result = writeTx(ctx, () => {
    const r = guardedMark(ctx, input.markId, input.guard);
    if (!r || now >= r.expires_at) throw new NotFoundError(`mark ${input.markId} does not exist or has evaporated; leave a new mark`);
    const strength = reinforcedStrength(strengthAt(r, now), r.first_strength, input.by);
    const next: MarkRow = { ...r, strength, reinforced_at: now, expires_at: expiryOf(strength, r.half_life_ms, r.ttl_ms, now) };
    ctx.stmt('UPDATE marks SET strength = ?, reinforced_at = ?, expires_at = ? WHERE id = ?').run(strength, now, next.expires_at, r.id);
    const on = { id: r.node_id, class: r.class ?? ANY_CLASS };
    const entry = writeSystemRow(ctx, 'mark', TYPES.reinforced, input.agent, now, markChange('reinforced', r, on, strength, input.agent), r.id);
    entries.push(entry);
    return { mark: toMark(next, now), seq: entry.seq };
  });
  ctx.notify(entries);
  return result;
}

export function removeMark(ctx: StoreContext, markId: string, agent: string, guard?: MarkGuard, now = Date.now()): number | undefined {
  const entries: LedgerEntry[] = [];
  const seq = writeTx(ctx, () => {
    const r = guardedMark(ctx, markId, guard);
    if (!r) return undefined;
    ctx.stmt('DELETE FROM marks WHERE id = ?').run(markId);
    const on = { id: r.node_id, class: r.class ?? ANY_CLASS };
    const entry = writeSystemRow(ctx, 'mark', TYPES.removed, agent, now, markChange('removed', r, on, strengthAt(r, now), agent), r.id);
    entries.push(entry);
    return entry.seq;
  });
  ctx.notify(entries);
  return seq;
}

export function marksOn(ctx: StoreContext, ids: readonly string[], options: { kind?: string; minStrength?: number; now?: number } = {}): Map<string, SignalMark[]> {
  const now = options.now ?? Date.now();
  const min = options.minStrength ?? 0;
  const rows = ctx
    .stmt(`${MARK_SELECT} WHERE m.node_id IN (SELECT value FROM json_each(?)) AND m.expires_at > ? AND (? IS NULL OR m.kind = ?) ORDER BY m.node_id, m.created_at, m.created_seq`)
    .all(JSON.stringify([...new Set(ids)]), now, options.kind ?? null, options.kind ?? null) as MarkRow[];
  const out = new Map<string, SignalMark[]>(ids.map((id) => [id, []]));
  for (const r of rows) {
    const m = toMark(r, now);
    if (m.strength > min) out.get(r.node_id)?.push(m);
  }
  // SQL sorted them already; core's comparator is the rule, applied again so the stores cannot drift.
  for (const list of out.values()) list.sort(compareMarks);
  return out;
}

/** Deletes evaporated marks, one ledger row (`tg:MarkEvaporated`) each, in one transaction. */
export function sweepMarks(ctx: StoreContext, now = Date.now()): number {
  const entries: LedgerEntry[] = [];
  writeTx(ctx, () => {
    const rows = ctx.stmt(`${MARK_SELECT} WHERE m.expires_at <= ? ORDER BY m.expires_at, m.id`).all(now) as MarkRow[];
    for (const r of rows) {
      ctx.stmt('DELETE FROM marks WHERE id = ?').run(r.id);
      const on = { id: r.node_id, class: r.class ?? ANY_CLASS };
      entries.push(writeSystemRow(ctx, 'mark', TYPES.evaporated, r.agent, now, markChange('evaporated', r, on, 0, r.agent), r.id));
    }
  });
  if (entries.length) ctx.notify(entries);
  return entries.length;
}
