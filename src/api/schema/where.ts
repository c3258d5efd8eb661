/**
 * GraphQL `where` / `orderBy` arguments → store query parts. Property names are checked against the class's
 * field plan, so only ontology names ever reach an adapter (which may inline them).
 */
import type { Scalar } from '../../core/projection/change-set.ts';
import type { FilterOp, MarkFilter, PropertyFilter, RelationshipFilter, SortSpec } from '../../ports/graph-store.ts';
import type { FieldPlan } from './field-plan.ts';

const OPS: ReadonlySet<string> = new Set<FilterOp>(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'prefix', 'contains', 'exists']);

/** The store-level query parts a `where` argument stands for. */
export interface WhereParts {
  filters: PropertyFilter[];
  relationships: RelationshipFilter[];
  marks: MarkFilter[];
}

/**
 * Turns extra `where` keys into store filters. Extensions (e.g. marks) register one per key they add to every
 * `<Class>Where` input with `extend input`.
 */
export type WhereKeyHandler = (value: unknown, parts: WhereParts) => void;

type Where = Readonly<Record<string, unknown>>;

/** Translates a `<Class>Where` value; `AND` lists are flattened (every filter must hold). */
export function translateWhere(
  where: Where | null | undefined,
  plan: readonly FieldPlan[],
  handlers: Readonly<Record<string, WhereKeyHandler>> = {},
  parts: WhereParts = { filters: [], relationships: [], marks: [] },
): WhereParts {
  if (!where) return parts;
  for (const [key, value] of Object.entries(where)) {
    if (value === null || value === undefined) continue;
    if (key === 'AND') {
      for (const w of value as Where[]) translateWhere(w, plan, handlers, parts);
      continue;
    }
    const handler = handlers[key];
    if (handler) {
      handler(value, parts);
      continue;
    }
    const field = key === 'id' ? { kind: 'datatype' as const, property: 'id' } : plan.find((f) => f.name === key);
    if (!field) continue;
    if (field.kind === 'datatype') {
      for (const [op, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === null || v === undefined || !OPS.has(op)) continue;
        parts.filters.push({ property: field.property, op: op as FilterOp, value: v as Scalar | Scalar[] });
      }
    } else if (field.kind === 'relationship') {
      parts.relationships.push({ type: field.property, direction: field.direction, exists: (value as { exists: boolean }).exists });
    }
  }
  return parts;
}

/** `{ field, direction }` → SortSpec. */
export function translateOrderBy(orderBy: { field: string; direction?: string } | null | undefined, plan: readonly FieldPlan[] = []): SortSpec | undefined {
  if (!orderBy) return undefined;
  // A sort field is a datatype field's GraphQL name, which differs from the property's when it was escaped.
  const property = plan.find((f) => f.kind === 'datatype' && f.name === orderBy.field)?.property ?? orderBy.field;
  return { property, direction: orderBy.direction === 'DESC' ? 'desc' : 'asc' };
}
