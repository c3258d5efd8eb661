/**
 * The store side of an ontology migration: runs one planned step over the stored graph in batches. Adapters:
 * sqlite/migration-target.ts (executed and tested), neo4j/migration-target.ts (parameterised Cypher).
 *
 * Guarantees every target must keep:
 * - Each batch commits its graph changes and the step's progress record together, so a crash loses at most the
 *   batch in flight and a re-run resumes at the recorded position.
 * - Re-running a batch that did commit changes nothing (the node rewrites are idempotent).
 */
import type { PlannedStep } from '../core/migrations/plan.ts';
import type { CompiledOntology } from '../core/ontology/model.ts';

/** Progress of one step, as recorded in the store's meta under the step's progress key. */
export interface StepProgress {
  /** The last node id (or relationship position) processed; absent before the first batch. */
  readonly cursor?: string;
  /** Nodes / relationships changed so far. */
  readonly touched: number;
  /** Nodes / relationships looked at so far. */
  readonly scanned: number;
  readonly done: boolean;
}

/** What a dry run reports for one step: how much of the graph it would look at and change. */
export interface StepEstimate {
  readonly scanned: number;
  readonly touched: number;
  /** Nodes the step would create (moveProperty). */
  readonly created: number;
}

export interface MigrationTarget {
  readonly kind: string;
  /** The recorded progress of a step, or undefined when it never started. */
  progress(step: PlannedStep): Promise<StepProgress | undefined>;
  /**
   * Runs the next batch of `step` (at most `batchSize` nodes or relationships) after `from`, and records the new
   * progress in the same transaction. `after` is the target ontology (labels of renamed / new classes).
   */
  runBatch(step: PlannedStep, from: StepProgress | undefined, batchSize: number, after: CompiledOntology): Promise<StepProgress>;
  /**
   * Dry run: what each step would do, simulated in order over the current graph without writing. `onScanned`
   * reports how many nodes have been read, for a progress bar.
   */
  estimate(steps: readonly PlannedStep[], after: CompiledOntology, onScanned?: (n: number, total: number) => void): Promise<StepEstimate[]>;
  /** Number of nodes (for progress bars). */
  countNodes(label?: string): Promise<number>;
  /** Number of relationships of a type. */
  countRelationships(type: string): Promise<number>;
}
