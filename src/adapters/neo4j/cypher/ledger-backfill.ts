/**
 * The data upgrade that gives ledger entries written before scoped reads were compiled into Cypher their
 * `changeFirstIds` / `changeSecondIds` lists (cypher/reads.ts reads them). The lists come from the entry's changes,
 * stored as JSON text that Cypher cannot parse without APOC, so entries are read in windows, the lists computed in
 * TS (core's changeNodeColumns) and written back in the same transaction by element id (a direct lookup: the seq
 * index may not exist yet when data upgrades run, before the schema statements).
 */
import type { Statement } from './statement.ts';

/**
 * At most `limit` entries still lacking the lists, with their element id and changes text. No order, no index
 * needed: each window's writes take its entries out of the next window's match, so the windows end.
 */
export function entriesLackingChangeNodes(limit: number): Statement {
  return {
    cypher: 'MATCH (l:TrailgraphLedgerEntry) WHERE l.changeFirstIds IS NULL WITH l LIMIT $limit RETURN elementId(l) AS ref, l.changes AS changes',
    params: { limit },
  };
}

/** One entry's lists, by element id (valid within the transaction that read it). */
export interface ChangeNodesRow {
  readonly ref: string;
  readonly first: readonly string[];
  readonly second: readonly string[];
}

/** Writes the lists of each entry of `rows`. */
export function setChangeNodes(rows: readonly ChangeNodesRow[]): Statement {
  return {
    cypher: 'UNWIND $rows AS row MATCH (l:TrailgraphLedgerEntry) WHERE elementId(l) = row.ref SET l.changeFirstIds = row.first, l.changeSecondIds = row.second',
    params: { rows },
  };
}
