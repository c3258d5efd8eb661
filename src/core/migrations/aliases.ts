/**
 * A field renamed by the last migration stays readable for one version under its old name. Which fields those
 * are follows from the migration's steps alone; how they appear (GraphQL `@deprecated` fields) is the API's
 * business. Aliases cover datatype properties (renameProperty); renamed relationships and moved properties are
 * breaking for readers, as `ontology diff` reports.
 */
import type { CompiledOntology } from '../ontology/model.ts';
import type { Migration } from './steps.ts';

/** One deprecated alias field. */
export interface FieldAlias {
  /** The class whose type (and subclasses' types) get the alias. */
  readonly class: string;
  /** The old field name. */
  readonly field: string;
  /** The datatype property it now reads. */
  readonly target: string;
  readonly reason: string;
}

/** The aliases a migration INTO `current` calls for (renamed datatype properties). */
export function aliasesFrom(migration: Migration, current: CompiledOntology): FieldAlias[] {
  const out: FieldAlias[] = [];
  for (const s of migration.steps) {
    if (s.kind !== 'renameProperty') continue;
    const def = current.properties.get(s.to);
    if (def?.kind !== 'datatype') continue;
    const classes = s.class ? [s.class] : [...current.classes.values()].filter((c) => c.datatypeProperties.includes(s.to)).map((c) => c.name);
    for (const c of classes) out.push({ class: c, field: s.from, target: s.to, reason: `renamed to ${s.to} in ${migration.to}` });
  }
  return out;
}
