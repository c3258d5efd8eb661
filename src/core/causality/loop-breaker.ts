/**
 * The loop breaker (the seeds' safety valve): choreography has no conductor to notice that two agents keep
 * triggering each other, so the pipeline refuses an event whose causal chain is too deep, or that repeats the
 * same (event type, aggregate) too often along its chain within one correlation. Pure: the caller hands in the
 * event's ancestors (nearest first), read from the ledger.
 *
 * Repeats are counted along the event's own causal chain (its ancestors in the same correlation), not across
 * every event of the correlation: a fan-out that legitimately updates one aggregate from several branches is
 * not a loop; an event that comes back to where it started, again and again, is.
 */

/** What the breaker needs to know of an event or an ancestor. */
export interface CausalLink {
  readonly eventId: string;
  readonly type: string;
  readonly source: string;
  /** The aggregate (`Class/id`): an event's `subject`. */
  readonly subject?: string;
  readonly causationid?: string;
  readonly correlationid?: string;
}

export interface LoopLimits {
  /** Most ancestors an event may have (its causation depth). */
  readonly maxDepth: number;
  /** Most times one (event type, aggregate) may occur along one causal chain within a correlation. */
  readonly maxRepeats: number;
}

export const DEFAULT_LOOP_LIMITS: LoopLimits = Object.freeze({ maxDepth: 32, maxRepeats: 8 });

/** Why the breaker stopped an event; `chain` is the event and its ancestors, root first. */
export interface CausalLoop {
  readonly kind: 'depth' | 'repeats';
  readonly limit: number;
  readonly chain: readonly CausalLink[];
  readonly message: string;
}

/** How many ancestors the caller must read to decide (one more than the depth limit). */
export const ancestorsNeeded = (limits: LoopLimits): number => limits.maxDepth + 1;

const describe = (l: CausalLink): string => `${l.eventId} (${l.type}${l.subject ? ` on ${l.subject}` : ''} by ${l.source})`;

/** Names a chain for a human: root first, at most the first 3 and last 3 links. */
export function describeChain(chain: readonly CausalLink[]): string {
  const parts = chain.length <= 6 ? chain.map(describe) : [...chain.slice(0, 3).map(describe), `… ${chain.length - 6} more …`, ...chain.slice(-3).map(describe)];
  return parts.join(' → ');
}

/**
 * Decides whether `event` goes beyond the limits. `ancestors`: its cause, the cause's cause, … (nearest first),
 * as far as they exist, at least `ancestorsNeeded(limits)` of them when the chain is that long.
 */
export function findCausalLoop(event: CausalLink, ancestors: readonly CausalLink[], limits: LoopLimits): CausalLoop | undefined {
  if (ancestors.length === 0) return undefined;
  const chain = [...ancestors].reverse().concat(event);
  const correlation = event.correlationid;
  if (ancestors.length > limits.maxDepth) {
    return {
      kind: 'depth', limit: limits.maxDepth, chain,
      message: `causal loop: event ${event.eventId} is more than ${limits.maxDepth} causation steps from its root (limit ${limits.maxDepth}); chain: ${describeChain(chain)}`,
    };
  }
  let repeats = 1;
  for (const a of ancestors) {
    if (a.correlationid !== correlation) break;
    if (a.type === event.type && a.subject === event.subject) repeats++;
  }
  if (repeats > limits.maxRepeats) {
    return {
      kind: 'repeats', limit: limits.maxRepeats, chain,
      message: `causal loop: ${event.type}${event.subject ? ` on ${event.subject}` : ''} would occur ${repeats} times along one causal chain of correlation ${correlation ?? '<none>'} (limit ${limits.maxRepeats}); chain: ${describeChain(chain)}`,
    };
  }
  return undefined;
}
