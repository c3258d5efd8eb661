/**
 * Reads an event's causal ancestors (its cause, the cause's cause, …) for the loop breaker: from the batch being
 * ingested first (a cause may be committed in the same transaction), then a bounded cache of recent links, then
 * the ledger. Chains are short in practice and their links recur (every reaction of a process shares its root),
 * so the cache answers most lookups.
 */
import type { CausalLink } from '../../core/causality/loop-breaker.ts';
import type { GraphStore } from '../../ports/graph-store.ts';

export interface CausalAncestry {
  /** Up to `limit` ancestors of an event whose cause is `causationid`, nearest first. */
  ancestors(causationid: string, limit: number, batch: ReadonlyMap<string, CausalLink>): Promise<CausalLink[]>;
  /** Remembers committed links (so their effects find them without a ledger read). */
  remember(link: CausalLink): void;
}

export function createCausalAncestry(store: Pick<GraphStore, 'findEvent'>, cacheSize = 10_000): CausalAncestry {
  const cache = new Map<string, CausalLink>();
  const remember = (link: CausalLink): void => {
    if (cache.has(link.eventId)) cache.delete(link.eventId);
    cache.set(link.eventId, link);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
  };
  const lookup = async (id: string, batch: ReadonlyMap<string, CausalLink>): Promise<CausalLink | undefined> => {
    const hit = batch.get(id) ?? cache.get(id);
    if (hit) return hit;
    const entry = await store.findEvent(id);
    if (!entry) return undefined;
    const link: CausalLink = {
      eventId: entry.eventId, type: entry.type, source: entry.source,
      ...(entry.subject !== undefined && { subject: entry.subject }),
      ...(entry.causationid !== undefined && { causationid: entry.causationid }),
      ...(entry.correlationid !== undefined && { correlationid: entry.correlationid }),
    };
    remember(link);
    return link;
  };
  return {
    remember,
    async ancestors(causationid, limit, batch) {
      const out: CausalLink[] = [];
      const seen = new Set<string>();
      for (let id: string | undefined = causationid; id !== undefined && out.length < limit && !seen.has(id); ) {
        seen.add(id);
        const link = await lookup(id, batch);
        if (!link) break;
        out.push(link);
        id = link.causationid;
      }
      return out;
    },
  };
}
