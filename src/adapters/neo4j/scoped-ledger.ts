/**
 * Ledger reads with a ReadScope: the statements (cypher/reads.ts) decide in Cypher which touched nodes the scope
 * shows; here each entry is shown by core's rule (core/auth/ledger-view.ts) — only entries with a change whose
 * every node is visible, redacted — and a short page reads on, so `limit` counts shown entries as on SQLite.
 */
import type { ReadScope } from '../../core/auth/read-scope.ts';
import { entryShown, redactEntry } from '../../core/auth/ledger-view.ts';
import type { LedgerEntry } from '../../core/store/records.ts';
import * as r from './cypher/reads.ts';
import type { Executor } from './executor.ts';
import { toLedgerEntry } from './records.ts';

type ScopedRow = { readonly l: unknown; readonly visible: unknown };

function view(row: ScopedRow): { entry: LedgerEntry; visible: (id: string) => boolean } {
  const ids = new Set((row.visible as unknown[]).map(String));
  return { entry: toLedgerEntry(row.l), visible: (id) => ids.has(id) };
}

/** Entries after `afterSeq` the scope shows, at most `limit`, redacted. */
export async function scopedLedger(exec: Executor, afterSeq: number, limit: number, scope: ReadScope): Promise<LedgerEntry[]> {
  return exec.read(async (tx) => {
    const out: LedgerEntry[] = [];
    let after = afterSeq;
    // Each round reads entries that touched a visible node; one may still show nothing (all its changes reach
    // a hidden node), hence the loop. It ends: `after` grows every round and a short round is the last.
    for (;;) {
      const want = limit - out.length;
      if (want <= 0) return out;
      const rows = (await tx.run(r.ledger(after, want, scope))) as unknown as ScopedRow[];
      for (const row of rows) {
        const { entry, visible } = view(row);
        after = entry.seq;
        if (entryShown(entry, visible)) out.push(redactEntry(entry, visible));
      }
      if (rows.length < want) return out;
    }
  });
}

/** A node's history as the scope shows it (empty when the node is hidden). */
export async function scopedHistory(exec: Executor, id: string, afterSeq: number, first: number, scope: ReadScope): Promise<LedgerEntry[]> {
  const rows = (await exec.read((tx) => tx.run(r.history(id, afterSeq, first, scope)))) as unknown as ScopedRow[];
  return rows.map((row) => {
    const { entry, visible } = view(row);
    return redactEntry(entry, visible);
  });
}

/** The first entry of an event id the scope shows, redacted. */
export async function scopedFindEvent(exec: Executor, eventId: string, scope: ReadScope): Promise<LedgerEntry | undefined> {
  const rows = (await exec.read((tx) => tx.run(r.findEvent(eventId, scope)))) as unknown as ScopedRow[];
  for (const row of rows) {
    const { entry, visible } = view(row);
    if (entryShown(entry, visible)) return redactEntry(entry, visible);
  }
  return undefined;
}
