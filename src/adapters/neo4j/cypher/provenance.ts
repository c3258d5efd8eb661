/**
 * A batch's provenance, sent once per batch instead of once per written row. Every node, relationship, version
 * and ledger row a change set writes carries that change set's event id, source and time; repeating them in each
 * row's parameters made the driver pack and the server unpack them six times per event, which was most of what
 * separated applyBatch from a plain UNWIND writer (bench/RESULTS.md, "Projection into Neo4j: provenance once per
 * event"). Rows carry only their seq; the statements look the rest up in these lists.
 */

/** The applied change sets of one batch, in seq order: change set `k` has seq `first + k` (seqs are dense). */
export interface BatchProvenance {
  readonly first: number;
  readonly eventIds: readonly string[];
  readonly sources: readonly string[];
  readonly times: readonly string[];
}

/**
 * The parameters every statement reading the provenance takes. Same names and same values in each, so that
 * inSequence (sequence.ts) sends them once for the whole batch.
 */
export function provenanceParams(p: BatchProvenance): Record<string, unknown> {
  return { provFirst: p.first, provEventIds: p.eventIds, provSources: p.sources, provTimes: p.times };
}

/** Cypher expressions for the event id, source and time of the change set whose seq is the expression `seq`. */
export function provenanceOf(seq: string): { eventId: string; source: string; time: string } {
  const at = `[${seq} - $provFirst]`;
  return { eventId: `$provEventIds${at}`, source: `$provSources${at}`, time: `$provTimes${at}` };
}
