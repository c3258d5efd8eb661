/**
 * Planning: which migrations lead from the stored version to the wanted one, their steps in order with stable
 * progress keys (so a re-run skips what is done), the rename hints they give the diff, and which breaking
 * changes of a version step no migration step accounts for.
 */
import type { OntologyChange } from './changes.ts';
import type { RenameHints } from './diff.ts';
import { MigrationError } from './errors.ts';
import { stepScope, type StepScope } from './node-rewrite.ts';
import { describeStep, type Migration, type MigrationStep } from './steps.ts';

/** One step of a plan. */
export interface PlannedStep {
  readonly migration: Migration;
  /** Index of the step within its migration. */
  readonly index: number;
  readonly step: MigrationStep;
  readonly description: string;
  readonly scope: StepScope;
  /** Meta key under which the store records this step's progress. */
  readonly progressKey: string;
}

/** Meta key of the stored ontology version. */
export const VERSION_META_KEY = 'ontology.version';

/** Meta key of the IRI of the ontology (the domain) whose graph the store holds; versions of a domain share it. */
export const DOMAIN_META_KEY = 'ontology.iri';

/** The progress key of step `index` of `migration`. */
export function progressKey(migration: Migration, index: number): string {
  return `migration.${migration.from}-to-${migration.to}.step.${index}`;
}

/**
 * The migrations from `from` to `to`, in order, taken from `available` (any order). Throws MigrationError when a
 * link is missing or when `to` is older than `from` (migrations only go forward).
 */
export function migrationPath(available: readonly Migration[], from: string, to: string): Migration[] {
  const path: Migration[] = [];
  let at = from;
  const seen = new Set<string>();
  while (at !== to) {
    if (seen.has(at)) throw new MigrationError(`migrations loop at version ${at}`);
    seen.add(at);
    const next = available.find((m) => m.from === at);
    if (!next) {
      const known = available.map((m) => `${m.from} → ${m.to}`).join(', ') || 'none';
      throw new MigrationError(`no migration from version ${at} (towards ${to}); known migrations: ${known}. Add migrations/<domain>/<from>-to-<to>.ts`);
    }
    path.push(next);
    at = next.to;
  }
  return path;
}

/** Every step of `migrations`, flattened, with its scope and progress key. */
export function planSteps(migrations: readonly Migration[]): PlannedStep[] {
  return migrations.flatMap((migration) =>
    migration.steps.map((step, index) => ({
      migration,
      index,
      step,
      description: describeStep(step),
      scope: stepScope(step),
      progressKey: progressKey(migration, index),
    })),
  );
}

/** The renames a migration declares, for `diffOntologies`. */
export function renameHints(migration: Migration): RenameHints {
  const classes: Record<string, string> = {};
  const properties: Record<string, string> = {};
  const eventTypes: Record<string, string> = {};
  for (const s of migration.steps) {
    if (s.kind === 'renameClass') classes[s.from] = s.to;
    else if (s.kind === 'renameProperty' || s.kind === 'renameRelationship' || s.kind === 'reverseRelationship') properties[s.from] = s.to;
    else if (s.kind === 'renameEventType') eventTypes[s.from] = s.to;
  }
  return { classes, properties, eventTypes };
}

/** Names (classes, properties, event types) a step deals with. */
export function stepTerms(step: MigrationStep): string[] {
  switch (step.kind) {
    case 'renameClass': case 'renameRelationship': case 'renameEventType': return [step.from, step.to];
    case 'renameProperty': return [step.from, step.to, ...(step.class ? [step.class] : [])];
    case 'reverseRelationship': return [step.from, step.to];
    case 'splitProperty': return [step.from, ...step.into];
    case 'mergeProperties': return [...step.from, step.into];
    case 'addProperty': return [step.property];
    case 'mapValues': return [step.property];
    case 'moveProperty': return [...Object.keys(step.properties), ...Object.values(step.properties), step.toClass, step.via];
    case 'dropProperty': return [step.property];
    case 'dropClass': return [step.class];
    case 'custom': return [];
  }
}

/**
 * Breaking changes (payload NONE, or API breaking without an alias) that no step of `migration` mentions.
 * A custom step is trusted to handle anything. For a per-class change (`Class.property`) the property must be
 * mentioned.
 */
export function uncoveredChanges(changes: readonly OntologyChange[], migration: Migration | undefined): OntologyChange[] {
  const breaking = changes.filter((c) => c.payload === 'NONE' || c.api === 'breaking');
  if (!migration) return breaking;
  if (migration.steps.some((s) => s.kind === 'custom')) return [];
  const terms = new Set(migration.steps.flatMap(stepTerms));
  return breaking.filter((c) =>
    c.narrowedTerms ? !c.narrowedTerms.every((t) => terms.has(t)) : !terms.has(c.term.split('.').pop() ?? c.term));
}
