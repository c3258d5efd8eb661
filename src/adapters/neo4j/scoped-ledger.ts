/**
 * Ledger reads with a ReadScope: one statement each (cypher/reads.ts) returns only the entries core's rule
 * (core/auth/ledger-view.ts) shows — a change whose every node is visible — so `limit` / `first` count shown
 * entries, as on SQLite; here each entry is redacted with the ids the statement found visible. The rule is applied
 * once more on the way out, as the SQLite adapter does, so the stores cannot drift: it removes nothing the
 * statement kept.
 */
import type { ReadScope } from '../../core/auth/read-scope.ts';
import { entryShown, redactEntry } from '../../core/auth/ledger-view.ts';
import type { LedgerEntry } from '../../core/store/records.ts';
import * as r from './cypher/reads.ts';
import type { Executor, Row } from './executor.ts';
import { toLedgerEntry } from './records.ts';

/** The rows' entries as the scope shows them, redacted. */
function shown(rows: readonly Row[]): LedgerEntry[] {
  const out: LedgerEntry[] = [];
  for (const row of rows) {
    const ids = new Set((row.visible as unknown[]).map(String));
    const visible = (id: string): boolean => ids.has(id);
    const entry = toLedgerEntry(row.l);
    if (entryShown(entry, visible)) out.push(redactEntry(entry, visible));
  }
  return out;
}

/** Entries after `afterSeq` the scope shows, at most `limit`, redacted. */
export async function scopedLedger(exec: Executor, afterSeq: number, limit: number, scope: ReadScope): Promise<LedgerEntry[]> {
  return shown(await exec.query(r.ledger(afterSeq, limit, scope)));
}

/** A node's history as the scope shows it (empty when the node is hidden): `first` shown entries, redacted. */
export async function scopedHistory(exec: Executor, id: string, afterSeq: number, first: number, scope: ReadScope): Promise<LedgerEntry[]> {
  return shown(await exec.query(r.history(id, afterSeq, first, scope)));
}

/** The first entry of an event id the scope shows, redacted. */
export async function scopedFindEvent(exec: Executor, eventId: string, scope: ReadScope, source?: string): Promise<LedgerEntry | undefined> {
  return shown(await exec.query(r.findEvent(eventId, scope, source)))[0];
}
