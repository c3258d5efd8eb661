/**
 * Change sets: what the pure planner derives from one event, and what a store applies.
 * `(event, ontology) → ChangeSet` is pure (planner.ts); the store turns a ChangeSet into AppliedChanges
 * (what actually changed in the graph), which become the ledger row and the change mark.
 */

import type { Fence } from '../claims/rules.ts';

/** A property value as stored: scalars, or a list of scalars for non-functional datatype properties. */
export type Scalar = string | number | boolean;
export type PropertyValue = Scalar | readonly Scalar[];

/** A reference to a node: its id and the class the event names it with. */
export interface NodeRef {
  readonly id: string;
  /** The class named for the node by the event (or the range of the property that referenced it). */
  readonly class: string;
}

/**
 * Create the node if absent, else update it. `set` replaces functional properties; `add` appends to the
 * list of a non-functional property (deduplicated); `unset` retracts properties.
 * The store keeps the most specific class: a node first seen as `Practitioner` becomes `Specialist`
 * when an event says so; an unrelated class is a ProjectionConflictError.
 */
export interface UpsertNodeOp {
  readonly op: 'upsertNode';
  readonly node: NodeRef;
  /** Labels of `node.class` (the class and its ancestors). */
  readonly labels: readonly string[];
  readonly set: Readonly<Record<string, Scalar>>;
  readonly add: Readonly<Record<string, readonly Scalar[]>>;
  readonly unset: readonly string[];
  /** JSON pointer of the resource in the event, for located conflict errors. */
  readonly pointer: string;
}

/** Delete a node and its relationships. */
export interface DeleteNodeOp {
  readonly op: 'deleteNode';
  readonly node: NodeRef;
  readonly pointer: string;
}

/**
 * Add `(from)-[type]->(to)`. When `functional`, any other `type` relationship from `from` is retracted first.
 * The target is upserted as a bare node of `to.class` if it does not exist yet (it may arrive later).
 */
export interface AddRelationshipOp {
  readonly op: 'addRelationship';
  readonly type: string;
  readonly from: NodeRef;
  readonly to: NodeRef;
  readonly functional: boolean;
  readonly pointer: string;
}

/** Retract `(from)-[type]->(to)`, or every `type` relationship from `from` when `to` is absent. */
export interface RetractRelationshipOp {
  readonly op: 'retractRelationship';
  readonly type: string;
  readonly from: NodeRef;
  readonly to?: NodeRef;
  readonly pointer: string;
}

export type ChangeOp = UpsertNodeOp | DeleteNodeOp | AddRelationshipOp | RetractRelationshipOp;

/** Provenance carried by every node and relationship the change set touches, and by its ledger row. */
export interface Provenance {
  readonly eventId: string;
  /** The agent: the event's `source`. */
  readonly source: string;
  /** The event's `time`, or the time it was received. ISO 8601. */
  readonly time: string;
}

/** Everything one event does to the graph, in order. */
export interface ChangeSet extends Provenance {
  /** The event type. */
  readonly type: string;
  readonly subject?: string;
  /** Aggregate id (from `subject` or the first resource): the ordering / partition key. */
  readonly aggregate: string;
  readonly traceparent?: string;
  readonly correlationid?: string;
  readonly causationid?: string;
  /** Ontology version the event was validated against (versionIRI or versionInfo). */
  readonly ontologyVersion: string;
  readonly ops: readonly ChangeOp[];
  /** The event as received (after upcasting), kept in the ledger for replay and audit. */
  readonly event: Readonly<Record<string, unknown>>;
  /**
   * Optional: `event` as the JSON text it was received in, when that text parses to exactly `event` (no upcast, no
   * derived subject). The ledger stores it instead of serializing `event` again.
   */
  readonly eventJson?: string;
  /**
   * Set when the event is a write protected by a claim (extension attributes `claimpurpose` + `claimtoken` on the
   * subject's node): the store applies it only while core's fencing rule (core/claims/rules.ts) allows.
   */
  readonly fence?: Fence;
}

/** What actually changed in the graph, as the store saw it. Relationship changes carry both endpoints. */
export type AppliedChange =
  | {
      readonly kind: 'node';
      readonly change: 'created' | 'updated' | 'deleted';
      readonly id: string;
      readonly class: string;
      /** Property keys set or added. */
      readonly properties?: readonly string[];
      /** Property keys retracted. */
      readonly retracted?: readonly string[];
    }
  | {
      readonly kind: 'relationship';
      readonly change: 'created' | 'retracted';
      readonly type: string;
      readonly from: NodeRef;
      readonly to: NodeRef;
    }
  | {
      /** A signal mark left, reinforced or evaporated on a node. */
      readonly kind: 'mark';
      readonly change: 'left' | 'reinforced' | 'evaporated' | 'removed';
      readonly markId: string;
      readonly on: NodeRef;
      readonly markKind: string;
      /** Strength at the time of the change. */
      readonly strength: number;
      readonly agent: string;
    }
  | {
      /** A claim granted, renewed, released or expired. */
      readonly kind: 'claim';
      readonly change: 'granted' | 'renewed' | 'released' | 'expired';
      readonly on: NodeRef;
      readonly purpose: string;
      readonly agent: string;
      readonly token: number;
      readonly expiresAt: string;
    };
