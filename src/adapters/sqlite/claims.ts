/**
 * Claims: compare-and-set leases inside `BEGIN IMMEDIATE` transactions, so processes sharing the file are
 * serialised by SQLite's write lock — there can never be two holders. Fencing tokens come from `claim_tokens`,
 * which outlives releases and expiries, so a token is strictly larger than every token issued before it for the
 * same (node, purpose). Each grant / renewal / release / expiry writes a ledger row (kind `claim`).
 * A claim by an agent that already holds it is refused like any other (the holder in the answer is itself):
 * use renewClaim to extend.
 */
import { NotFoundError } from '../../core/errors.ts';
import type { AppliedChange } from '../../core/projection/change-set.ts';
import type { Claim, ClaimInput, ClaimResult, LedgerEntry } from '../../ports/graph-store.ts';
import { writeTx, type StoreContext } from './context.ts';
import { writeSystemRow } from './ledger.ts';

interface ClaimRow {
  node_id: string;
  class: string | null;
  purpose: string;
  agent: string;
  token: number;
  granted_at: number;
  expires_at: number;
}

const CLAIM_SELECT = 'SELECT c.*, n.class FROM claims c LEFT JOIN nodes n ON n.id = c.node_id';
const TYPES = { granted: 'tg:ClaimGranted', renewed: 'tg:ClaimRenewed', released: 'tg:ClaimReleased', expired: 'tg:ClaimExpired' } as const;

function toClaim(r: ClaimRow): Claim {
  return {
    on: { id: r.node_id, class: r.class ?? 'Resource' },
    purpose: r.purpose,
    agent: r.agent,
    token: r.token,
    expiresAt: new Date(r.expires_at).toISOString(),
    grantedAt: new Date(r.granted_at).toISOString(),
  };
}

function record(ctx: StoreContext, change: keyof typeof TYPES, r: ClaimRow, agent: string, now: number): LedgerEntry {
  const c: AppliedChange = {
    kind: 'claim', change, on: { id: r.node_id, class: r.class ?? 'Resource' }, purpose: r.purpose, agent: r.agent, token: r.token,
    expiresAt: new Date(r.expires_at).toISOString(),
  };
  return writeSystemRow(ctx, 'claim', TYPES[change], agent, now, c, `${r.node_id}:${r.purpose}`);
}

function current(ctx: StoreContext, on: string, purpose: string): ClaimRow | undefined {
  return ctx.stmt(`${CLAIM_SELECT} WHERE c.node_id = ? AND c.purpose = ?`).get(on, purpose) as ClaimRow | undefined;
}

function checkTtl(ttlMs: number): void {
  if (!(ttlMs > 0) || !Number.isFinite(ttlMs)) throw new RangeError(`ttlMs must be a positive number of milliseconds, got ${ttlMs}`);
}

/** Runs a claim transaction and notifies listeners of the rows it wrote. */
function tx<T>(ctx: StoreContext, fn: (entries: LedgerEntry[]) => T): T {
  const entries: LedgerEntry[] = [];
  const out = writeTx(ctx, () => fn(entries));
  if (entries.length) ctx.notify(entries);
  return out;
}

export function claim(ctx: StoreContext, input: ClaimInput): ClaimResult {
  checkTtl(input.ttlMs);
  const now = input.now ?? Date.now();
  return tx(ctx, (entries) => {
    const cls = ctx.stmt('SELECT class FROM nodes WHERE id = ?').pluck().get(input.on) as string | undefined;
    if (cls === undefined) throw new NotFoundError(`node ${input.on} does not exist; only existing nodes can be claimed`);
    const held = current(ctx, input.on, input.purpose);
    if (held && held.expires_at > now) return { granted: false, holder: toClaim(held) };
    if (held) {
      ctx.stmt('DELETE FROM claims WHERE node_id = ? AND purpose = ?').run(held.node_id, held.purpose);
      entries.push(record(ctx, 'expired', held, held.agent, now));
    }
    const token = ctx
      .stmt(`INSERT INTO claim_tokens (node_id, purpose, last_token) VALUES (?, ?, 1)
             ON CONFLICT(node_id, purpose) DO UPDATE SET last_token = last_token + 1 RETURNING last_token`)
      .pluck()
      .get(input.on, input.purpose) as number;
    const row: ClaimRow = { node_id: input.on, class: cls, purpose: input.purpose, agent: input.agent, token, granted_at: now, expires_at: now + input.ttlMs };
    ctx
      .stmt('INSERT INTO claims (node_id, purpose, agent, token, granted_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(row.node_id, row.purpose, row.agent, row.token, row.granted_at, row.expires_at);
    const entry = record(ctx, 'granted', row, input.agent, now);
    entries.push(entry);
    return { granted: true, claim: toClaim(row), seq: entry.seq };
  });
}

/**
 * Extends the lease of the holder of `token`. A lease that ran out but was not taken over (nor swept) may still
 * be renewed: nobody else got a token in between, so fencing stays sound.
 */
export function renewClaim(ctx: StoreContext, input: ClaimInput & { readonly token: number }): ClaimResult {
  checkTtl(input.ttlMs);
  const now = input.now ?? Date.now();
  return tx(ctx, (entries) => {
    const held = current(ctx, input.on, input.purpose);
    if (!held) throw new NotFoundError(`no claim on ${input.on} for "${input.purpose}" (released or expired); claim it again`);
    if (held.token !== input.token || held.agent !== input.agent) return { granted: false, holder: toClaim(held) };
    const row = { ...held, expires_at: now + input.ttlMs };
    ctx.stmt('UPDATE claims SET expires_at = ? WHERE node_id = ? AND purpose = ?').run(row.expires_at, row.node_id, row.purpose);
    const entry = record(ctx, 'renewed', row, input.agent, now);
    entries.push(entry);
    return { granted: true, claim: toClaim(row), seq: entry.seq };
  });
}

export function releaseClaim(ctx: StoreContext, input: { on: string; purpose: string; agent: string; token: number; now?: number }): boolean {
  const now = input.now ?? Date.now();
  return tx(ctx, (entries) => {
    const held = current(ctx, input.on, input.purpose);
    if (!held || held.token !== input.token || held.agent !== input.agent) return false;
    ctx.stmt('DELETE FROM claims WHERE node_id = ? AND purpose = ?').run(held.node_id, held.purpose);
    entries.push(record(ctx, 'released', held, input.agent, now));
    return true;
  });
}

export function claimsOn(ctx: StoreContext, ids: readonly string[], now = Date.now()): Map<string, Claim[]> {
  const rows = ctx
    .stmt(`${CLAIM_SELECT} WHERE c.node_id IN (SELECT value FROM json_each(?)) AND c.expires_at > ? ORDER BY c.node_id, c.purpose`)
    .all(JSON.stringify([...new Set(ids)]), now) as ClaimRow[];
  const out = new Map<string, Claim[]>(ids.map((id) => [id, []]));
  for (const r of rows) out.get(r.node_id)?.push(toClaim(r));
  return out;
}

export function sweepClaims(ctx: StoreContext, now = Date.now()): number {
  return tx(ctx, (entries) => {
    const rows = ctx.stmt(`${CLAIM_SELECT} WHERE c.expires_at <= ? ORDER BY c.expires_at`).all(now) as ClaimRow[];
    for (const r of rows) {
      ctx.stmt('DELETE FROM claims WHERE node_id = ? AND purpose = ?').run(r.node_id, r.purpose);
      entries.push(record(ctx, 'expired', r, r.agent, now));
    }
    return rows.length;
  });
}
