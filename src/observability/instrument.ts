/**
 * Metrics taken at the ports, so every path (GraphQL, MCP, CLI, the sweeper, other entry points) is counted
 * once, in one place: dead letters as they are written, claim and mark changes as the store commits them.
 */
import type { DeadLetterStore } from '../ports/dead-letters.ts';
import type { ClaimResult, GraphStore, LedgerEntry } from '../ports/graph-store.ts';
import type { ClaimOutcome, Metrics } from './metrics.ts';

/** The dead-letter store, counting every letter written by reason. */
export function countDeadLetters(deadLetters: DeadLetterStore, metrics: Metrics): DeadLetterStore {
  return {
    async put(letter) {
      const stored = await deadLetters.put(letter);
      metrics.deadLettered(letter.reason);
      return stored;
    },
    list: (options) => deadLetters.list(options),
    get: (id) => deadLetters.get(id),
    remove: (id) => deadLetters.remove(id),
    count: () => deadLetters.count(),
  };
}

const CLAIM_TYPES: Readonly<Record<string, ClaimOutcome>> = {
  'tg:ClaimGranted': 'granted',
  'tg:ClaimRenewed': 'renewed',
  'tg:ClaimReleased': 'released',
  'tg:ClaimExpired': 'expired',
};

/** Counts claim and signal-mark changes from the store's commits. Returns the unlisten function. */
export function countMarkAndClaimChanges(store: GraphStore, metrics: Metrics): () => void {
  return store.onCommit((entries: readonly LedgerEntry[]) => {
    // Event batches are the bulk of commits and hold only events.
    if (entries[0]?.kind === 'event') return;
    for (const e of entries) {
      if (e.kind === 'claim') {
        const outcome = CLAIM_TYPES[e.type];
        if (outcome) metrics.claim(outcome);
      } else if (e.type === 'tg:MarkEvaporated') metrics.marksEvaporated(1);
    }
  });
}

/**
 * The store, counting claims refused because another agent holds them (the one claim outcome that commits
 * nothing). Only `claim` and `renewClaim` are wrapped; everything else is the store itself.
 */
export function countContendedClaims(store: GraphStore, metrics: Metrics): GraphStore {
  const counted =
    (call: (input: never) => Promise<ClaimResult>) =>
    async (input: never): Promise<ClaimResult> => {
      const result = await call(input);
      if (!result.granted) metrics.claim('contended');
      return result;
    };
  const claim = counted(store.claim.bind(store) as (input: never) => Promise<ClaimResult>);
  const renewClaim = counted(store.renewClaim.bind(store) as (input: never) => Promise<ClaimResult>);
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'claim') return claim;
      if (prop === 'renewClaim') return renewClaim;
      return Reflect.get(target, prop) as unknown;
    },
  });
}
