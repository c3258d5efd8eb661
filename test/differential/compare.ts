/**
 * Normalising and diffing two stores' answers. Only what is legitimately store-specific is normalised:
 * - signal-mark ids are random UUIDs minted by each store (`randomUUID()`), so each side's ids are replaced by the
 *   ordinal of the leaveMark call that made them (also inside ledger event ids such as `mark:<uuid>:<n>`);
 * - a mark's `strength` is decayed to the instant each store is read, seconds apart, so it is rounded to 3
 *   decimals (the marks use half-lives of ~23 days: the drift over a run is below 1e-4).
 * - `removeMark` takes no clock, so a `tg:MarkRemoved` ledger row's `time` is the wall clock of the call;
 * - a neighbourhood cut by its limit: which nodes at the farthest distance kept are the store's choice
 *   (core/store/order.ts), so those nodes and their relationships are dropped; their count still must match.
 * Ledger `committedAt` (each store's commit clock) is simply never selected. Everything else must be equal.
 */
import { isDeepStrictEqual } from 'node:util';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

export function normalise(value: unknown, markAlias: ReadonlyMap<string, string>, key = ''): unknown {
  if (typeof value === 'string') return value.replace(UUID, (u) => markAlias.get(u) ?? 'unknown-uuid');
  if (typeof value === 'number' && (key === 'strength' || key === 'markStrength')) return Math.round(value * 1000) / 1000;
  if (Array.isArray(value)) return value.map((v) => normalise(v, markAlias, key));
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const src = o.truncated === true && Array.isArray(o.nodes) && Array.isArray(o.relationships) ? innerPart(o) : o;
    const out = Object.fromEntries(Object.entries(src).map(([k, v]) => [k, normalise(v, markAlias, k)]));
    if (o.type === 'tg:MarkRemoved' && typeof o.time === 'string') out.time = '(wall clock)';
    return out;
  }
  return value;
}

type Near = { distance: number; node?: { id?: string } };
type Rel = { fromId?: string; toId?: string };

/** A truncated neighbourhood without its farthest ring (kept as a count) and the relationships touching it. */
function innerPart(n: Record<string, unknown>): Record<string, unknown> {
  const nodes = n.nodes as Near[];
  const far = Math.max(...nodes.map((x) => x.distance));
  const inner = nodes.filter((x) => x.distance < far);
  const ids = new Set(inner.map((x) => x.node?.id));
  const rels = (n.relationships as Rel[]).filter((r) => ids.has(r.fromId) && ids.has(r.toId));
  return { ...n, nodes: inner, farthestRing: { distance: far, count: nodes.length - inner.length }, relationships: rels };
}

/** The first place two JSON values differ, as `path: left ≠ right` (short), or undefined when equal. */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return a.length === b.length ? d : `${d} (lengths ${a.length} vs ${b.length})`;
    }
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
  }
  const show = (v: unknown): string => (JSON.stringify(v) ?? 'undefined').slice(0, 300);
  return `${path}: ${show(a)} ≠ ${show(b)}`;
}
