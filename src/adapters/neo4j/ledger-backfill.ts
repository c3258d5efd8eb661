/**
 * Fills in `changeFirstIds` / `changeSecondIds` on ledger entries that lack them (written before scoped ledger reads
 * needed them), one write transaction per window of entries so a large ledger never becomes one huge transaction.
 * Idempotent: entries that have the lists are left alone, so an interrupted run simply runs again.
 */
import { changeNodeColumns } from '../../core/auth/ledger-view.ts';
import type { AppliedChange } from '../../core/projection/change-set.ts';
import * as b from './cypher/ledger-backfill.ts';
import type { Executor } from './executor.ts';

/** Entries read and written per transaction. */
export const BACKFILL_WINDOW = 10_000;

/** Upgrades every entry lacking the lists; returns how many it wrote. */
export async function backfillChangeNodes(exec: Executor, window = BACKFILL_WINDOW): Promise<number> {
  let written = 0;
  for (;;) {
    const n = await exec.write(async (tx) => {
      const rows = await tx.run(b.entriesLackingChangeNodes(window));
      const todo = rows.map((r): b.ChangeNodesRow => ({ ref: String(r.ref), ...changeNodeColumns(JSON.parse(String(r.changes)) as AppliedChange[]) }));
      if (todo.length > 0) await tx.run(b.setChangeNodes(todo));
      return todo.length;
    });
    written += n;
    // Each window's entries leave the match, so the windows shrink the rest until a short one was the last.
    if (n < window) return written;
  }
}
