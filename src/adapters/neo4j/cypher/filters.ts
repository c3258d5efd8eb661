/**
 * WHERE fragments for list queries: property filters from a whitelist of operators, mark and relationship filters,
 * the sort order and the keyset condition. Names are ontology names (quoted); every value is a parameter.
 * The semantics are core's (FilterOp and SortSpec in core/store/records.ts): `ne` also matches nodes without the
 * property; on a multi-valued property a node matches when one of its values does (`ne`: when none equals);
 * `contains` ignores case; NULLs sort first ascending and last descending; ties are broken by id in the same direction.
 */
import type { CompiledOntology } from '../../../core/ontology/model.ts';
import type { FilterOp, MarkFilter, PropertyFilter, RelationshipFilter, SortSpec } from '../../../core/store/records.ts';
import { decodeCursor } from '../../../core/paging/cursor.ts';
import { propertyKey, relType } from './names.ts';

/** A WHERE fragment and its parameters. */
export interface Fragment {
  readonly cypher: string;
  readonly params: Record<string, unknown>;
}

/** Hands out parameter names unique within one statement. */
export class ParamNames {
  private n = 0;
  constructor(private readonly prefix: string) {}
  next(): string {
    return `${this.prefix}${this.n++}`;
  }
}

/** Cypher expression for a property of `alias`, and whether it holds a list. */
export function propertyExpr(ontology: CompiledOntology, property: string, alias = 'n'): { expr: string; list: boolean } {
  if (property === 'id') return { expr: `${alias}.id`, list: false };
  const key = propertyKey(ontology, property);
  const def = ontology.properties.get(property);
  return { expr: `${alias}.${key}`, list: def ? !def.functional : false };
}

function scalarOp(op: FilterOp, e: string, p: string, value: unknown): string {
  switch (op) {
    case 'eq':
      return `${e} = $${p}`;
    case 'ne':
      return `(${e} IS NULL OR ${e} <> $${p})`;
    case 'gt':
      return `${e} > $${p}`;
    case 'gte':
      return `${e} >= $${p}`;
    case 'lt':
      return `${e} < $${p}`;
    case 'lte':
      return `${e} <= $${p}`;
    case 'in':
      return `${e} IN $${p}`;
    case 'prefix':
      return `${e} STARTS WITH $${p}`;
    case 'contains':
      // toString: a number or boolean value is matched on its text instead of failing (core's `contains` rule).
      return `toLower(toString(${e})) CONTAINS toLower($${p})`;
    case 'exists':
      return value ? `${e} IS NOT NULL` : `${e} IS NULL`;
  }
}

const OPS: ReadonlySet<string> = new Set<FilterOp>(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'prefix', 'contains', 'exists']);

export function propertyFilter(ontology: CompiledOntology, f: PropertyFilter, names: ParamNames, alias = 'n'): Fragment {
  if (!OPS.has(f.op)) throw new RangeError(`unknown filter operator "${String(f.op)}"`);
  const { expr, list } = propertyExpr(ontology, f.property, alias);
  const p = names.next();
  const value = f.op === 'in' ? (Array.isArray(f.value) ? f.value : [f.value]) : f.op === 'prefix' || f.op === 'contains' ? String(f.value) : f.value;
  const params = f.op === 'exists' ? {} : { [p]: value };
  if (!list || f.op === 'exists') return { cypher: scalarOp(f.op, expr, p, f.value), params };
  if (f.op === 'ne') return { cypher: `(${expr} IS NULL OR NOT $${p} IN ${expr})`, params };
  return { cypher: `any(v IN coalesce(${expr}, []) WHERE ${scalarOp(f.op, 'v', p, f.value)})`, params };
}

/** Current strength of mark `m` at `$now`: core's decay formula (core/marks/decay.ts strengthAt) in Cypher, for filters (float division). */
export const STRENGTH_EXPR = 'CASE WHEN m.halfLifeMs IS NULL THEN m.strength ELSE m.strength * 0.5 ^ (toFloat($now - m.reinforcedAt) / m.halfLifeMs) END';

/** Needs `$now` in the statement's params. */
export function markFilter(f: MarkFilter, names: ParamNames, alias = 'n'): Fragment {
  const kind = names.next();
  const min = names.next();
  const cypher = `EXISTS { MATCH (m:TrailgraphMark {on: ${alias}.id, kind: $${kind}}) WHERE m.expiresAt > $now AND ${STRENGTH_EXPR} > $${min} }`;
  return { cypher: f.absent ? `NOT ${cypher}` : cypher, params: { [kind]: f.kind, [min]: f.minStrength ?? 0 } };
}

/**
 * "Has / has no relationship of this type". `visibleOn`, given a read scope, says which far ends the caller may
 * read (a predicate on the variable it is handed): only relationships to those count, as in the relationship
 * fields — otherwise the filter would tell whether a node the caller cannot see is there.
 */
export function relationshipFilter(ontology: CompiledOntology, f: RelationshipFilter, alias = 'n', visibleOn?: (v: string) => Fragment | undefined): Fragment {
  const t = relType(ontology, f.type);
  const visible = visibleOn?.('rt');
  const far = visible ? '(rt:TrailgraphNode)' : '(:TrailgraphNode)';
  const pattern = f.direction === 'out' ? `(${alias})-[:${t}]->${far}` : `(${alias})<-[:${t}]-${far}`;
  const exists = visible ? `EXISTS { MATCH ${pattern} WHERE ${visible.cypher} }` : `EXISTS { ${pattern} }`;
  return { cypher: f.exists ? exists : `NOT ${exists}`, params: visible?.params ?? {} };
}

/** ORDER BY items and the keyset condition after `cursor`. `sortExpr` is the value put in cursors. */
export function sortFragments(ontology: CompiledOntology, sort: SortSpec | undefined, after: string | undefined, alias = 'n'): {
  property: string;
  orderBy: string;
  after: Fragment | undefined;
} {
  const property = sort?.property ?? 'id';
  const desc = sort?.direction === 'desc';
  const { expr } = propertyExpr(ontology, property, alias);
  const dir = desc ? 'DESC' : 'ASC';
  // `IS NOT NULL` first: false sorts before true, so NULLs come first ascending and last descending (core's SortSpec rule).
  const orderBy = property === 'id' ? `${alias}.id ${dir}` : `${expr} IS NOT NULL ${dir}, ${expr} ${dir}, ${alias}.id ${dir}`;
  if (after === undefined) return { property, orderBy, after: undefined };
  const [v, id] = decodeCursor(after);
  const cmp = desc ? '<' : '>';
  const params = { afterId: id };
  if (property === 'id') return { property, orderBy, after: { cypher: `${alias}.id ${cmp} $afterId`, params } };
  if (v === null) {
    return desc
      ? { property, orderBy, after: { cypher: `(${expr} IS NULL AND ${alias}.id < $afterId)`, params } }
      : { property, orderBy, after: { cypher: `((${expr} IS NULL AND ${alias}.id > $afterId) OR ${expr} IS NOT NULL)`, params } };
  }
  const cypher = `(${expr} ${cmp} $afterValue OR (${expr} = $afterValue AND ${alias}.id ${cmp} $afterId)${desc ? ` OR ${expr} IS NULL` : ''})`;
  return { property, orderBy, after: { cypher, params: { ...params, afterValue: v } } };
}

/** Joins fragments with AND (`true` when empty). */
export function and(parts: readonly (Fragment | undefined)[]): Fragment {
  const ps = parts.filter((p): p is Fragment => p !== undefined);
  return { cypher: ps.length ? ps.map((p) => p.cypher).join(' AND ') : 'true', params: Object.assign({}, ...ps.map((p) => p.params)) as Record<string, unknown> };
}
