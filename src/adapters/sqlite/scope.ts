/**
 * A ReadScope as SQL: one WHERE fragment on a node alias that is true only for nodes the caller may read. Row
 * rules become EXISTS joins over `rels` that end at the caller's node id, answered by the relationship primary
 * key (type, from_id, to_id) and the node_labels key (label, id) — point lookups, not scans.
 */
import type { ReadScope, RuledLabel } from '../../core/auth/read-scope.ts';
import type { StoreContext } from './context.ts';
import type { Fragment } from './sql-filters.ts';

function ruleFragment(r: RuledLabel, alias: string, n: number): Fragment {
  const joins: string[] = [];
  const conds: string[] = [];
  const params: unknown[] = [r.label];
  let prev: string | undefined;
  r.steps.forEach((step, i) => {
    const a = `v${n}s${i}`;
    const near = step.direction === 'out' ? 'from_id' : 'to_id';
    const far = step.direction === 'out' ? 'to_id' : 'from_id';
    joins.push(i === 0 ? `rels ${a}` : `JOIN rels ${a} ON ${a}.${near} = ${prev}`);
    if (i === 0) conds.push(`${a}.${near} = ${alias}.id`);
    conds.push(`${a}.type = ?`);
    params.push(step.type);
    prev = `${a}.${far}`;
  });
  conds.push(`${prev ?? `${alias}.id`} = ?`);
  params.push(r.targetId);
  return {
    sql: `(EXISTS (SELECT 1 FROM node_labels v${n}l WHERE v${n}l.label = ? AND v${n}l.id = ${alias}.id) AND EXISTS (SELECT 1 FROM ${joins.join(' ')} WHERE ${conds.join(' AND ')}))`,
    params,
  };
}

/** True (in SQL) for the nodes `scope` shows; `undefined` scope = no restriction. */
export function scopeFragment(scope: ReadScope | undefined, alias = 'n'): Fragment | undefined {
  if (!scope) return undefined;
  const parts: Fragment[] = [];
  if (scope.labels.length > 0) {
    parts.push({
      sql: `EXISTS (SELECT 1 FROM node_labels vl WHERE vl.id = ${alias}.id AND vl.label IN (SELECT value FROM json_each(?)))`,
      params: [JSON.stringify(scope.labels)],
    });
  }
  scope.ruled.forEach((r, i) => parts.push(ruleFragment(r, alias, i)));
  if (parts.length === 0) return { sql: '0', params: [] };
  return { sql: parts.length === 1 ? (parts[0] as Fragment).sql : `(${parts.map((p) => p.sql).join(' OR ')})`, params: parts.flatMap((p) => p.params) };
}

/** A memoised "may this id be shown?" for walks that discover nodes one at a time. */
export function visibility(ctx: StoreContext, scope: ReadScope | undefined): (id: string) => boolean {
  const where = scopeFragment(scope);
  if (!where) return () => true;
  const stmt = ctx.stmt(`SELECT 1 FROM nodes n WHERE n.id = ? AND ${where.sql}`);
  const seen = new Map<string, boolean>();
  return (id) => {
    let v = seen.get(id);
    if (v === undefined) seen.set(id, (v = stmt.get(id, ...where.params) !== undefined));
    return v;
  };
}

/** SQL: the ledger row `l` has at least one change whose every node the scope shows. */
export function ledgerScopeFragment(scope: ReadScope | undefined): Fragment | undefined {
  const where = scopeFragment(scope);
  if (!where) return undefined;
  const ids = ['$.id', '$.from.id', '$.to.id', '$.on.id'].map((p) => `SELECT json_extract(c.value, '${p}') AS i`).join(' UNION ALL ');
  return {
    sql: `EXISTS (SELECT 1 FROM json_each(l.changes) c WHERE NOT EXISTS (SELECT 1 FROM (${ids}) x WHERE x.i IS NOT NULL AND NOT EXISTS (SELECT 1 FROM nodes n WHERE n.id = x.i AND ${where.sql})))`,
    params: where.params,
  };
}
