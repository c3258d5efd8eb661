/**
 * A ReadScope as Cypher: one predicate on a node variable that is true only for nodes the caller may read — the
 * SQLite adapter's rule (adapters/sqlite/scope.ts) in Cypher. Visible labels are label tests; a row rule is an
 * EXISTS pattern that follows the rule's relationship steps from the node to the node with the caller's id, so
 * a node outside the scope is never matched rather than matched and dropped. Labels and relationship types are
 * written into the text (Cypher cannot take them as parameters), checked and backtick-quoted; the caller's id is
 * always a parameter.
 */
import type { ReadScope, RuledLabel } from '../../../core/auth/read-scope.ts';
import type { Fragment } from './filters.ts';
import { q } from './names.ts';

/** Parameter names of scope predicates: `scope_…`, apart from every other builder's names. */
const param = (prefix: string, i: number): string => `${prefix}${i}`;

function rulePredicate(r: RuledLabel, v: string, name: string): string {
  // `(v)-[:A]->()<-[:B]-(t)`: intermediate nodes are unconstrained, as in SQLite (the rule follows rels only).
  const walk = r.steps.map((s) => (s.direction === 'out' ? `-[:${q(s.type)}]->` : `<-[:${q(s.type)}]-`));
  if (walk.length === 0) return `(${v}:${q(r.label)} AND ${v}.id = $${name})`;
  const inner = walk.map((w, i) => (i < walk.length - 1 ? `${w}()` : `${w}(t:TrailgraphNode)`)).join('');
  return `(${v}:${q(r.label)} AND EXISTS { MATCH (${v})${inner} WHERE t.id = $${name} })`;
}

/**
 * True (in Cypher) for the nodes `scope` shows, on variable `v`; `undefined` scope = no restriction (undefined).
 * `prefix` names the parameters (one per row rule: its target id); the same prefix for the same scope gives the
 * same parameters, so one statement may use the predicate on several variables.
 */
export function scopePredicate(scope: ReadScope | undefined, v: string, prefix = 'scope'): Fragment | undefined {
  if (!scope) return undefined;
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (scope.labels.length > 0) parts.push(scope.labels.map((l) => `${v}:${q(l)}`).join(' OR '));
  scope.ruled.forEach((r, i) => {
    const name = param(prefix, i);
    params[name] = r.targetId;
    parts.push(rulePredicate(r, v, name));
  });
  if (parts.length === 0) return { cypher: 'false', params };
  return { cypher: `(${parts.join(' OR ')})`, params };
}

/** `true` when unscoped, so a builder can always write `AND <predicate>`. */
export function scopeOrTrue(scope: ReadScope | undefined, v: string, prefix = 'scope'): Fragment {
  return scopePredicate(scope, v, prefix) ?? { cypher: 'true', params: {} };
}
