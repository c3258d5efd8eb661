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
  let after = 0;
  let written = 0;
  for (;;) {
    const { read, last, wrote } = await exec.write(async (tx) => {
      const rows = await tx.run(b.ledgerWindow(after, window));
      const todo: b.ChangeNodesRow[] = [];
      for (const r of rows) {
        if (typeof r.changes !== 'string') continue;
        const { first, second } = changeNodeColumns(JSON.parse(r.changes) as AppliedChange[]);
        todo.push({ seq: Number(r.seq), first, second });
      }
      if (todo.length > 0) await tx.run(b.setChangeNodes(todo));
      return { read: rows.length, last: Number(rows.at(-1)?.seq ?? after), wrote: todo.length };
    });
    written += wrote;
    after = last;
    // A short window was the last: `after` grows every round, so this ends.
    if (read < window) return written;
  }
}
