/**
 * Subscription filters over change marks. Within one field the values are alternatives (OR); different fields
 * must all hold (AND). A mark matches when its type passes `eventTypes` and at least ONE of its changes passes
 * every change-level field (`classes`, `ids`, `relationships`, `kinds`). The whole mark is delivered. Pure.
 */
import { TrailgraphError, ErrorCode } from '../errors.ts';
import type { CompiledOntology } from '../ontology/model.ts';
import type { AppliedChange } from '../projection/change-set.ts';
import type { ChangeMark } from './change-mark.ts';

/** What a subscriber wants to see. Every field is optional; an empty filter matches every mark. */
export interface MarkWhere {
  /** Node classes, subclasses included: a change matches class C when a node it touches isA C. */
  readonly classes?: readonly string[];
  /** Node ids: a change matches when it touches one of them (either endpoint of a relationship). */
  readonly ids?: readonly string[];
  /** Event types (or `tg:MarkLeft`, `tg:ClaimGranted`, …). */
  readonly eventTypes?: readonly string[];
  /** Relationship types: matches relationship changes of these types. */
  readonly relationships?: readonly string[];
  /**
   * Signal-mark kinds (`needs-review`…) match mark changes of that kind; `claim` matches every claim change and
   * `claim:<purpose>` the claims of one purpose.
   */
  readonly kinds?: readonly string[];
}

/** A compiled filter. */
export type MarkPredicate = (mark: ChangeMark) => boolean;

/** A filter names a class the ontology does not have. */
export class UnknownClassFilterError extends TrailgraphError {
  readonly className: string;
  constructor(className: string) {
    super(ErrorCode.NotFound, `marks filter: class "${className}" is not in the ontology; check where.classes`);
    this.name = 'UnknownClassFilterError';
    this.className = className;
  }
}

const nonEmpty = (xs: readonly string[] | undefined): ReadonlySet<string> | undefined =>
  xs && xs.length > 0 ? new Set(xs) : undefined;

/** The classes of the nodes a change touches. */
function changeClasses(c: AppliedChange): string[] {
  if (c.kind === 'node') return [c.class];
  if (c.kind === 'relationship') return [c.from.class, c.to.class];
  return [c.on.class];
}

function changeIds(c: AppliedChange): string[] {
  if (c.kind === 'node') return [c.id];
  if (c.kind === 'relationship') return [c.from.id, c.to.id];
  return [c.on.id];
}

/**
 * Compiles a filter against the ontology: class names expand to their descendants once, so matching is set
 * lookups only. Throws UnknownClassFilterError for a class the ontology lacks (a typo would otherwise match nothing).
 */
export function compileMarkFilter(where: MarkWhere, ontology: CompiledOntology): MarkPredicate {
  let classes: Set<string> | undefined;
  if (where.classes && where.classes.length > 0) {
    classes = new Set();
    for (const name of where.classes) {
      const def = ontology.classes.get(name);
      if (!def) throw new UnknownClassFilterError(name);
      classes.add(name);
      for (const d of def.descendants) classes.add(d);
    }
  }
  const ids = nonEmpty(where.ids);
  const types = nonEmpty(where.eventTypes);
  const rels = nonEmpty(where.relationships);
  const kinds = nonEmpty(where.kinds);

  const changeMatches = (c: AppliedChange): boolean => {
    if (classes && !changeClasses(c).some((k) => classes.has(k))) return false;
    if (ids && !changeIds(c).some((id) => ids.has(id))) return false;
    if (rels && !(c.kind === 'relationship' && rels.has(c.type))) return false;
    if (kinds) {
      if (c.kind === 'mark') return kinds.has(c.markKind);
      if (c.kind === 'claim') return kinds.has('claim') || kinds.has(`claim:${c.purpose}`);
      return false;
    }
    return true;
  };
  const needsChange = classes !== undefined || ids !== undefined || rels !== undefined || kinds !== undefined;

  return (mark) => {
    if (types && !types.has(mark.type)) return false;
    return !needsChange || mark.changes.some(changeMatches);
  };
}
