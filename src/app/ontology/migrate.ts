/**
 * `trailgraph migrate`: moves a stored graph from the version it records (meta `ontology.version`) to a newer
 * one, step by step, in batches. Resumable: each batch commits with its step's progress, finished steps are
 * skipped, and the version is recorded after each migration completes — so kill -9 at any point and re-run.
 * The service should not project events while migrating (stop it, or let the bus hold them): events written
 * meanwhile are upcast on arrival anyway, but a node written mid-step may be seen before or after its rewrite.
 */
import { MigrationError } from '../../core/migrations/errors.ts';
import { checkStoredDomain } from './evolution.ts';
import { migrationPath, planSteps, VERSION_META_KEY, type PlannedStep } from '../../core/migrations/plan.ts';
import type { VersionChain } from '../../core/migrations/upcaster.ts';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import type { GraphStore } from '../../ports/graph-store.ts';
import type { MigrationTarget, StepEstimate, StepProgress } from '../../ports/migration-target.ts';

export interface MigrateOptions {
  readonly store: GraphStore;
  readonly target: MigrationTarget;
  readonly chain: VersionChain;
  /** Target version (versionInfo, e.g. `2.0.0`); default the newest. */
  readonly to?: string;
  /** The stored version when the store does not record one (a store projected before versions were recorded). */
  readonly from?: string;
  readonly batchSize?: number;
  readonly dryRun?: boolean;
  /** Called when a step starts (with how much it will look at), after each batch, and when it ends. */
  readonly onStep?: (event: StepEvent) => void;
  /** Dry run: nodes read so far, for a progress bar. */
  readonly onScan?: (scanned: number, total: number) => void;
}

export type StepEvent =
  | { readonly kind: 'start'; readonly step: PlannedStep; readonly total: number; readonly resumed?: StepProgress }
  | { readonly kind: 'batch'; readonly step: PlannedStep; readonly progress: StepProgress }
  | { readonly kind: 'end'; readonly step: PlannedStep; readonly progress: StepProgress; readonly skipped: boolean };

export interface StepReport {
  readonly step: PlannedStep;
  /** Dry run: the estimate. Real run: what was done (including batches done by an earlier, interrupted run). */
  readonly touched: number;
  readonly scanned: number;
  readonly created?: number;
  /** Real run: the step had been finished by an earlier run. */
  readonly skipped?: boolean;
  readonly ms: number;
}

export interface MigrationReport {
  readonly from: string;
  readonly to: string;
  readonly dryRun: boolean;
  readonly steps: readonly StepReport[];
  readonly ms: number;
}

/** The version the store records, or `fallback`; throws when neither is known. */
export async function storedVersion(store: GraphStore, fallback?: string): Promise<string> {
  const v = (await store.getMeta(VERSION_META_KEY)) ?? fallback;
  if (v === undefined) {
    throw new MigrationError(`the store does not record its ontology version (meta ${VERSION_META_KEY}); pass --from <version> (e.g. --from 1.0.0)`);
  }
  return v;
}

function ontologyOf(chain: VersionChain, version: string): CompiledOntology {
  const o = chain.ontologies.find((x) => x.version === version);
  if (!o) throw new MigrationError(`unknown ontology version ${version}; known: ${chain.ontologies.map((x) => x.version).join(', ')}`);
  return o;
}

/** Plans (dry run) or runs the migration. */
export async function runMigration(options: MigrateOptions): Promise<MigrationReport> {
  const { store, target, chain, batchSize = 5000, dryRun = false, onStep } = options;
  const started = Date.now();
  const newest = chain.ontologies[chain.ontologies.length - 1];
  const to = options.to ?? newest?.version ?? '';
  if (newest) await checkStoredDomain(store, newest.iri, '--store', { record: !dryRun });
  const from = await storedVersion(store, options.from);
  ontologyOf(chain, from);
  const toOntology = ontologyOf(chain, to);
  if (chain.ontologies.findIndex((o) => o.version === to) < chain.ontologies.findIndex((o) => o.version === from)) {
    throw new MigrationError(`the store is at ${from}, newer than ${to}: migrations only go forward (restore a backup to go back)`);
  }
  const path = migrationPath(chain.migrations, from, to);
  const planned = planSteps(path);

  if (dryRun) {
    const t0 = Date.now();
    const estimates: StepEstimate[] = await target.estimate(planned, toOntology, options.onScan);
    const ms = Date.now() - t0;
    return {
      from, to, dryRun, ms,
      steps: planned.map((step, i) => ({ step, ...(estimates[i] ?? { touched: 0, scanned: 0, created: 0 }), ms })),
    };
  }

  const steps: StepReport[] = [];
  for (const migration of path) {
    const after = ontologyOf(chain, migration.to);
    for (const step of planned.filter((p) => p.migration === migration)) {
      const t0 = Date.now();
      let progress = await target.progress(step);
      if (progress?.done) {
        onStep?.({ kind: 'end', step, progress, skipped: true });
        steps.push({ step, touched: progress.touched, scanned: progress.scanned, skipped: true, ms: 0 });
        continue;
      }
      const total = step.scope.scope === 'nodes' ? await target.countNodes(step.scope.label)
        : step.scope.scope === 'relationships' ? await target.countRelationships(step.scope.type) : 0;
      onStep?.({ kind: 'start', step, total, ...(progress && { resumed: progress }) });
      do {
        progress = await target.runBatch(step, progress, batchSize, after);
        onStep?.({ kind: 'batch', step, progress });
      } while (!progress.done);
      onStep?.({ kind: 'end', step, progress, skipped: false });
      steps.push({ step, touched: progress.touched, scanned: progress.scanned, ms: Date.now() - t0 });
    }
    await store.setMeta(VERSION_META_KEY, migration.to);
    await store.setMeta(`migration.${migration.from}-to-${migration.to}.completedAt`, new Date().toISOString());
  }
  // New indexes / constraints for the new version's properties.
  await store.init(toOntology);
  // Versions written before the rewrite have the old shape; as-of reads answer in today's schema, so history
  // starts again at the migrated graph (older points are refused rather than answered in a shape no longer served).
  if (path.length > 0) await store.resetHistory();
  return { from, to, dryRun, steps, ms: Date.now() - started };
}
