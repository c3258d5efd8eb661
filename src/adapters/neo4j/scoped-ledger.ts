/**
 * Ledger reads with a ReadScope: the statements (cypher/reads.ts) decide in Cypher which touched nodes the scope
 * shows; here each entry is shown by core's rule (core/auth/ledger-view.ts) — only entries with a change whose
 * every node is visible, redacted — and a short page reads on, so `limit` / `first` count shown entries as on
 * SQLite, for the ledger and a node's history alike.
 */
import type { ReadScope } from '../../core/auth/read-scope.ts';
import { entryShown, redactEntry } from '../../core/auth/ledger-view.ts';
import type { LedgerEntry } from '../../core/store/records.ts';
import * as r from './cypher/reads.ts';
import type { Statement } from './cypher/statement.ts';
import type { Executor, Tx } from './executor.ts';
import { toLedgerEntry } from './records.ts';

type ScopedRow = { readonly l: unknown; readonly visible: unknown };

function view(row: ScopedRow): { entry: LedgerEntry; visible: (id: string) => boolean } {
  const ids = new Set((row.visible as unknown[]).map(String));
  return { entry: toLedgerEntry(row.l), visible: (id) => ids.has(id) };
}

/**
 * Reads entries through `statement(after, want)` (entries after seq `after`, at most `want`, each with the ids the
 * scope shows) and keeps those core's rule shows, redacted, until `limit` are kept or the entries run out. A round
 * may keep fewer than it read (an entry whose every change reaches a hidden node shows nothing), hence the loop;
 * it ends: `after` grows every round and a short round is the last.
 */
async function readShown(tx: Tx, afterSeq: number, limit: number, statement: (after: number, want: number) => Statement): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  let after = afterSeq;
  for (;;) {
    const want = limit - out.length;
    if (want <= 0) return out;
    const rows = (await tx.run(statement(after, want))) as unknown as ScopedRow[];
    for (const row of rows) {
      const { entry, visible } = view(row);
      after = entry.seq;
      if (entryShown(entry, visible)) out.push(redactEntry(entry, visible));
    }
    if (rows.length < want) return out;
  }
}

/** Entries after `afterSeq` the scope shows, at most `limit`, redacted. */
export async function scopedLedger(exec: Executor, afterSeq: number, limit: number, scope: ReadScope): Promise<LedgerEntry[]> {
  return exec.read((tx) => readShown(tx, afterSeq, limit, (after, want) => r.ledger(after, want, scope)));
}

/** A node's history as the scope shows it (empty when the node is hidden): `first` shown entries, redacted. */
export async function scopedHistory(exec: Executor, id: string, afterSeq: number, first: number, scope: ReadScope): Promise<LedgerEntry[]> {
  return exec.read((tx) => readShown(tx, afterSeq, first, (after, want) => r.history(id, after, want, scope)));
}

/** The first entry of an event id the scope shows, redacted. */
export async function scopedFindEvent(exec: Executor, eventId: string, scope: ReadScope): Promise<LedgerEntry | undefined> {
  const rows = (await exec.query(r.findEvent(eventId, scope))) as unknown as ScopedRow[];
  for (const row of rows) {
    const { entry, visible } = view(row);
    if (entryShown(entry, visible)) return redactEntry(entry, visible);
  }
  return undefined;
}
