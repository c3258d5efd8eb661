/**
 * What a caller may read, resolved for the store: which node labels are visible outright and which only
 * through a row rule, with the caller's own id filled in. Store adapters compile a ReadScope into their queries
 * (SQL, Cypher) — a node outside it is never read, rather than read and dropped.
 */
import type { CompiledPolicy, RuleStep } from './policy.ts';
import type { Principal } from './principal.ts';

/** A label visible only when its path ends at `targetId`. */
export interface RuledLabel {
  readonly label: string;
  readonly steps: readonly RuleStep[];
  readonly targetId: string;
}

/** Visibility of nodes: a node is visible when it carries one of `labels`, or a ruled label whose path holds. */
export interface ReadScope {
  readonly labels: readonly string[];
  readonly ruled: readonly RuledLabel[];
}

/** Everything is visible (auth off, or a role with `tg:mayRead tg:Any`): no scope at all. */
export type ReadAccess = ReadScope | 'all';

/** The union of the caller's roles' read grants. A ruled grant whose claim the token lacks shows nothing. */
export function readScope(policy: CompiledPolicy, principal: Principal): ReadAccess {
  const labels = new Set<string>();
  const ruled = new Map<string, RuledLabel>();
  for (const name of principal.roles) {
    const role = policy.roles.get(name);
    if (!role) continue;
    if (role.read === 'any') return 'all';
    for (const grant of role.read) {
      if (!grant.rule) {
        labels.add(grant.class);
        continue;
      }
      const targetId = principal.attributes[grant.rule.claim];
      if (targetId === undefined || targetId === '') continue;
      const r: RuledLabel = { label: grant.class, steps: grant.rule.steps, targetId };
      ruled.set(JSON.stringify(r), r);
    }
  }
  // An unconditional grant makes a rule on the same label redundant.
  const rules = [...ruled.values()].filter((r) => !labels.has(r.label));
  return { labels: [...labels].sort(), ruled: rules };
}

/** True when `scope` may show a node with these labels at all (before any row rule): a cheap first test. */
export function mayShowLabels(access: ReadAccess, labels: readonly string[]): boolean {
  if (access === 'all') return true;
  return labels.some((l) => access.labels.includes(l) || access.ruled.some((r) => r.label === l));
}
