/**
 * A field renamed by the last migration stays in the GraphQL API for one version as a
 * `@deprecated(reason: "renamed to X in 2.0.0")` alias that resolves to the new field. Built as a SchemaExtension,
 * so the generator itself does not change; which fields are aliased is core's decision (core/migrations/aliases.ts).
 */
import type { FieldAlias } from '../../core/migrations/aliases.ts';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import type { NodeRecord } from '../../ports/graph-store.ts';
import { SCALAR_OF, planClassFields } from './field-plan.ts';
import type { SchemaExtension } from './index.ts';

const str = (s: string): string => JSON.stringify(s);

/** The schema extension adding `aliases` to `ontology`'s types. Names already taken are left alone. */
export function deprecatedAliasesExtension(ontology: CompiledOntology, aliases: readonly FieldAlias[]): SchemaExtension {
  const types = new Map<string, { field: string; sdl: string; target: string; functional: boolean }[]>();
  for (const a of aliases) {
    const def = ontology.properties.get(a.target);
    const cls = ontology.classes.get(a.class);
    if (def?.kind !== 'datatype' || !cls) continue;
    const scalar = SCALAR_OF[def.range];
    const type = def.functional ? scalar : `[${scalar}!]!`;
    for (const name of [a.class, ...cls.descendants]) {
      if (planClassFields(ontology, name).some((f) => f.name === a.field)) continue;
      const list = types.get(name) ?? [];
      list.push({ field: a.field, target: a.target, functional: def.functional, sdl: `${str(`Deprecated: use ${a.target}.`)} ${a.field}: ${type} @deprecated(reason: ${str(a.reason)})` });
      types.set(name, list);
    }
  }
  const typeDefs = [...types].map(([t, fields]) => `extend type ${t} {\n  ${fields.map((f) => f.sdl).join('\n  ')}\n}`).join('\n');
  const resolvers = Object.fromEntries(
    [...types].map(([t, fields]) => [
      t,
      Object.fromEntries(fields.map((f) => [f.field, (n: NodeRecord) => n.properties[f.target] ?? (f.functional ? null : [])])),
    ]),
  );
  return { typeDefs: typeDefs || 'scalar _NoDeprecatedAliases', resolvers };
}
