/**
 * Migration steps: declarative, typed descriptions of one ontology version step. Each step says two things:
 * how the stored graph changes (node-rewrite.ts, executed in batches by a store's migration target) and how an
 * event written against the old version is upcast (upcast.ts). Steps are data plus, where a value must be
 * computed, a plain function — so a migration file reads like a changelog.
 */
import type { PropertyValue, Scalar } from '../projection/change-set.ts';

/** A node as a migration step sees it. */
export interface NodeImage {
  readonly id: string;
  readonly class: string;
  readonly labels: readonly string[];
  readonly properties: Readonly<Record<string, PropertyValue>>;
}

/** Context given to derive functions: the resource's own id and the event time (or the node's last-change time). */
export interface DeriveContext {
  readonly id: string;
  readonly time: string;
}

/** Class `from` is now called `to` (labels, `@type`, aggregates in `subject`). */
export interface RenameClassStep { readonly kind: 'renameClass'; readonly from: string; readonly to: string }

/** Datatype property `from` is now `to`. `class` limits the rename to resources of that class. */
export interface RenamePropertyStep { readonly kind: 'renameProperty'; readonly class?: string; readonly from: string; readonly to: string }

/** Relationship type (object property) `from` is now `to`. */
export interface RenameRelationshipStep { readonly kind: 'renameRelationship'; readonly from: string; readonly to: string }

/** Relationship `(a)-[from]->(b)` becomes `(b)-[to]->(a)`. In events the link moves to the target resource. */
export interface ReverseRelationshipStep {
  readonly kind: 'reverseRelationship';
  readonly from: string;
  readonly to: string;
  /** Class of the targets (the old range): the `@type` of the resource the link moves to in events. */
  readonly targetClass: string;
}

/** One property split into several: by `separator` (first part to the first target…) or by `split`. */
export interface SplitPropertyStep {
  readonly kind: 'splitProperty';
  readonly class: string;
  readonly from: string;
  readonly into: readonly string[];
  readonly separator?: string;
  readonly split?: (value: Scalar) => readonly (Scalar | undefined)[];
}

/** Several properties merged into one: joined by `separator` (default a space) or by `merge`. */
export interface MergePropertiesStep {
  readonly kind: 'mergeProperties';
  readonly class: string;
  readonly from: readonly string[];
  readonly into: string;
  readonly separator?: string;
  readonly merge?: (values: readonly (Scalar | undefined)[]) => Scalar | undefined;
}

/** A new property with a default, or a value derived from the resource's other properties. Existing values win. */
export interface AddPropertyStep {
  readonly kind: 'addProperty';
  readonly class: string;
  readonly property: string;
  readonly default?: Scalar;
  readonly derive?: (properties: Readonly<Record<string, PropertyValue>>, ctx: DeriveContext) => Scalar | undefined;
  /**
   * Only in events that CREATE the class (default true): a partial update that does not mention the property must
   * not reset it. The graph step fills every node of the class that lacks it.
   */
  readonly onCreateOnly?: boolean;
}

/** Old values mapped to new ones (unlisted values are kept). */
export interface MapValuesStep {
  readonly kind: 'mapValues';
  readonly class: string;
  readonly property: string;
  readonly map: Readonly<Record<string, Scalar>>;
}

/**
 * Properties moved from `class` to a new node of `toClass`, linked by `(owner)-[via]->(new)`. `properties` maps
 * old names to names on the new node. The new node's id is `idOf(ownerId)` (default `<ownerId>-<toClass>`),
 * so a re-run or an upcast event finds the same node.
 */
export interface MovePropertyStep {
  readonly kind: 'moveProperty';
  readonly class: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly toClass: string;
  readonly via: string;
  readonly idOf?: (ownerId: string) => string;
}

/** The property is gone: removed from nodes and from old events. */
export interface DropPropertyStep { readonly kind: 'dropProperty'; readonly class?: string; readonly property: string }

/** The class is gone: its nodes and their relationships are deleted; old events lose its resources. */
export interface DropClassStep { readonly kind: 'dropClass'; readonly class: string }

/** Event type `from` is now `to` (events only; the graph does not record types). */
export interface RenameEventTypeStep { readonly kind: 'renameEventType'; readonly from: string; readonly to: string }

/** Anything else, as code: a node rewrite and/or an event upcast. Keep both idempotent. */
export interface CustomStep {
  readonly kind: 'custom';
  readonly description: string;
  /** The class whose nodes `node` rewrites (required with `node`). */
  readonly class?: string;
  /** Returns the rewritten node, or `null` to delete it. Must be idempotent (a re-run sees rewritten nodes). */
  readonly node?: (node: NodeImage) => NodeImage | null;
  readonly upcast?: (event: Readonly<Record<string, unknown>>) => Record<string, unknown>;
}

export type MigrationStep =
  | RenameClassStep | RenamePropertyStep | RenameRelationshipStep | ReverseRelationshipStep
  | SplitPropertyStep | MergePropertiesStep | AddPropertyStep | MapValuesStep | MovePropertyStep
  | DropPropertyStep | DropClassStep | RenameEventTypeStep | CustomStep;

/** A migration between two released versions of one domain's ontology. */
export interface Migration {
  /** `owl:versionInfo` of the source version, e.g. `1.0.0`. */
  readonly from: string;
  /** `owl:versionInfo` of the target version. */
  readonly to: string;
  readonly description?: string;
  readonly steps: readonly MigrationStep[];
}

/** Identity helper that type-checks a migration file's default export. */
export function defineMigration(migration: Migration): Migration {
  return migration;
}

/** The id of the node a moveProperty step creates for `ownerId`. */
export function movedNodeId(step: MovePropertyStep, ownerId: string): string {
  return step.idOf ? step.idOf(ownerId) : `${ownerId}-${step.toClass}`;
}

/** One line describing a step, for plans and progress bars. */
export function describeStep(step: MigrationStep): string {
  switch (step.kind) {
    case 'renameClass': return `rename class ${step.from} → ${step.to}`;
    case 'renameProperty': return `rename property ${step.class ? `${step.class}.` : ''}${step.from} → ${step.to}`;
    case 'renameRelationship': return `rename relationship ${step.from} → ${step.to}`;
    case 'reverseRelationship': return `reverse relationship ${step.from} → ${step.to} (from ${step.targetClass})`;
    case 'splitProperty': return `split ${step.class}.${step.from} → ${step.into.join(', ')}`;
    case 'mergeProperties': return `merge ${step.class}.${step.from.join(' + ')} → ${step.into}`;
    case 'addProperty':
      return `add ${step.class}.${step.property}${step.default !== undefined ? ` (default ${JSON.stringify(step.default)})` : ' (derived)'}`;
    case 'mapValues': return `map values of ${step.class}.${step.property}: ${Object.entries(step.map).map(([a, b]) => `${a}→${String(b)}`).join(', ')}`;
    case 'moveProperty':
      return `move ${step.class}.{${Object.keys(step.properties).join(', ')}} to a new ${step.toClass} via ${step.via}`;
    case 'dropProperty': return `drop property ${step.class ? `${step.class}.` : ''}${step.property}`;
    case 'dropClass': return `drop class ${step.class} (nodes and their relationships)`;
    case 'renameEventType': return `rename event type ${step.from} → ${step.to}`;
    case 'custom': return step.description;
  }
}
