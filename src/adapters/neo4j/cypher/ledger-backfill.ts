/**
 * The data upgrade that gives ledger entries written before scoped reads were compiled into Cypher their
 * `changeFirstIds` / `changeSecondIds` lists (cypher/reads.ts reads them). The lists come from the entry's changes,
 * stored as JSON text that Cypher cannot parse without APOC, so entries are read in seq windows, the lists computed
 * in TS (core's changeNodeColumns) and written back by seq.
 */
import type { Statement } from './statement.ts';

/**
 * The next `limit` entries after `afterSeq` in seq order (the seq index walks them; no scan from the start each
 * window), each with its changes text when it still lacks the lists, else `null` (already upgraded: skipped).
 */
export function ledgerWindow(afterSeq: number, limit: number): Statement {
  return {
    cypher:
      'MATCH (l:TrailgraphLedgerEntry) WHERE l.seq > $afterSeq WITH l ORDER BY l.seq LIMIT $limit ' +
      'RETURN l.seq AS seq, CASE WHEN l.changeFirstIds IS NULL THEN l.changes END AS changes',
    params: { afterSeq, limit },
  };
}

/** One entry's lists, by seq. */
export interface ChangeNodesRow {
  readonly seq: number;
  readonly first: readonly string[];
  readonly second: readonly string[];
}

/** Writes the lists of each entry of `rows`. */
export function setChangeNodes(rows: readonly ChangeNodesRow[]): Statement {
  return {
    cypher: 'UNWIND $rows AS row MATCH (l:TrailgraphLedgerEntry {seq: row.seq}) SET l.changeFirstIds = row.first, l.changeSecondIds = row.second',
    params: { rows },
  };
}
