/**
 * Claims on SQLite: the rules (who gets it, tokens, renew / release, sweep order) are core's
 * (core/claims/rules.ts); this file reads the claim inside a `BEGIN IMMEDIATE` transaction — processes sharing the
 * file are serialised by SQLite's write lock, so there can never be two holders — and writes what the rules
 * decide. The last token per (node, purpose) lives in `claim_tokens`, which outlives releases and expiries.
 * Each grant / renewal / release / expiry writes a ledger row (kind `claim`).
 */
import { NotFoundError } from '../../core/errors.ts';
import { decideClaim, isHolder, renewed, type HeldClaim } from '../../core/claims/rules.ts';
import { CLAIM_TYPES, claimChange, claimIdPart } from '../../core/store/ledger.ts';
import type { Claim, ClaimInput, ClaimResult, LedgerEntry } from '../../core/store/records.ts';
import { checkClaim } from '../../core/marks/input-rules.ts';
import { writeTx, type StoreContext } from './context.ts';
import { writeSystemRow } from './ledger.ts';
import { ANY_CLASS } from '../../core/projection/planner.ts';

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
const held = (r: ClaimRow): HeldClaim => ({ agent: r.agent, token: r.token, grantedAt: r.granted_at, expiresAt: r.expires_at });

function toClaim(r: ClaimRow): Claim {
  return {
    on: { id: r.node_id, class: r.class ?? ANY_CLASS },
    purpose: r.purpose,
    agent: r.agent,
    token: r.token,
    expiresAt: new Date(r.expires_at).toISOString(),
    grantedAt: new Date(r.granted_at).toISOString(),
  };
}

function record(ctx: StoreContext, change: keyof typeof CLAIM_TYPES, r: ClaimRow, agent: string, now: number): LedgerEntry {
  const c = claimChange(change, { id: r.node_id, class: r.class ?? ANY_CLASS }, r.purpose, { agent: r.agent, token: r.token, expiresAt: r.expires_at });
  return writeSystemRow(ctx, 'claim', CLAIM_TYPES[change], agent, now, c, claimIdPart(r.node_id, r.purpose));
}

function current(ctx: StoreContext, on: string, purpose: string): ClaimRow | undefined {
  return ctx.stmt(`${CLAIM_SELECT} WHERE c.node_id = ? AND c.purpose = ?`).get(on, purpose) as ClaimRow | undefined;
}


/** Runs a claim transaction and notifies listeners of the rows it wrote. */
function tx<T>(ctx: StoreContext, fn: (entries: LedgerEntry[]) => T): T {
  const entries: LedgerEntry[] = [];
  const out = writeTx(ctx, () => fn(entries));
  if (entries.length) ctx.notify(entries);
  return out;
}

export function claim(ctx: StoreContext, input: ClaimInput): ClaimResult {
  checkClaim(input);
  const now = input.now ?? Date.now();
  return tx(ctx, (entries) => {
    const cls = ctx.stmt('SELECT class FROM nodes WHERE id = ?').pluck().get(input.on) as string | undefined;
    if (cls === undefined) throw new NotFoundError(`node ${input.on} does not exist; only existing nodes can be claimed`);
    const cur = current(ctx, input.on, input.purpose);
    const last = (ctx.stmt('SELECT last_token FROM claim_tokens WHERE node_id = ? AND purpose = ?').pluck().get(input.on, input.purpose) as number | undefined) ?? 0;
    const d = decideClaim(cur && held(cur), last, input.agent, input.ttlMs, now);
    if (!d.granted) return { granted: false, holder: toClaim(cur!) };
    if (cur) {
      ctx.stmt('DELETE FROM claims WHERE node_id = ? AND purpose = ?').run(cur.node_id, cur.purpose);
      entries.push(record(ctx, 'expired', cur, cur.agent, now));
    }
    ctx
      .stmt('INSERT INTO claim_tokens (node_id, purpose, last_token) VALUES (?, ?, ?) ON CONFLICT(node_id, purpose) DO UPDATE SET last_token = excluded.last_token')
      .run(input.on, input.purpose, d.claim.token);
    const row: ClaimRow = { node_id: input.on, class: cls, purpose: input.purpose, agent: d.claim.agent, token: d.claim.token, granted_at: d.claim.grantedAt, expires_at: d.claim.expiresAt };
    ctx
      .stmt('INSERT INTO claims (node_id, purpose, agent, token, granted_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(row.node_id, row.purpose, row.agent, row.token, row.granted_at, row.expires_at);
    const entry = record(ctx, 'granted', row, input.agent, now);
    entries.push(entry);
    return { granted: true, claim: toClaim(row), seq: entry.seq };
  });
}

/** Extends the lease of the holder of `token` (core's renew rule). */
export function renewClaim(ctx: StoreContext, input: ClaimInput & { readonly token: number }): ClaimResult {
  checkClaim(input);
  const now = input.now ?? Date.now();
  return tx(ctx, (entries) => {
    const cur = current(ctx, input.on, input.purpose);
    if (!cur) throw new NotFoundError(`no claim on ${input.on} for "${input.purpose}" (released or expired); claim it again`);
    if (!isHolder(held(cur), input.agent, input.token)) return { granted: false, holder: toClaim(cur) };
    const row = { ...cur, expires_at: renewed(held(cur), input.ttlMs, now).expiresAt };
    ctx.stmt('UPDATE claims SET expires_at = ? WHERE node_id = ? AND purpose = ?').run(row.expires_at, row.node_id, row.purpose);
    const entry = record(ctx, 'renewed', row, input.agent, now);
    entries.push(entry);
    return { granted: true, claim: toClaim(row), seq: entry.seq };
  });
}

export function releaseClaim(ctx: StoreContext, input: { on: string; purpose: string; agent: string; token: number; now?: number }): boolean {
  const now = input.now ?? Date.now();
  return tx(ctx, (entries) => {
    const cur = current(ctx, input.on, input.purpose);
    if (!cur || !isHolder(held(cur), input.agent, input.token)) return false;
    ctx.stmt('DELETE FROM claims WHERE node_id = ? AND purpose = ?').run(cur.node_id, cur.purpose);
    entries.push(record(ctx, 'released', cur, input.agent, now));
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
    const rows = ctx.stmt(`${CLAIM_SELECT} WHERE c.expires_at <= ? ORDER BY c.expires_at, c.node_id, c.purpose`).all(now) as ClaimRow[];
    for (const r of rows) {
      ctx.stmt('DELETE FROM claims WHERE node_id = ? AND purpose = ?').run(r.node_id, r.purpose);
      entries.push(record(ctx, 'expired', r, r.agent, now));
    }
    return rows.length;
  });
}
