/**
 * The ontology as MCP resources: its Turtle sources (what the service validates against) and a compact JSON
 * summary a model can read in one go — classes with their properties and relationships, event types.
 */
import { readFileSync } from 'node:fs';
import { type CompiledOntology, constraintFor } from '../core/ontology/model.ts';

/** The Turtle of the compiled ontology's files, each headed by its name; undefined when they cannot be read. */
export function ontologyTurtle(ontology: CompiledOntology): string | undefined {
  try {
    return ontology.files.map((f) => `# ── ${f} ──\n${readFileSync(f, 'utf8')}`).join('\n');
  } catch {
    return undefined;
  }
}

/** Classes, their properties (type, single/list, required, allowed values) and relationships; event types. */
export function ontologySummary(ontology: CompiledOntology): Record<string, unknown> {
  const classes: Record<string, unknown> = {};
  for (const cls of ontology.classes.values()) {
    const properties: Record<string, string> = {};
    for (const name of cls.datatypeProperties) {
      const def = ontology.properties.get(name);
      if (def?.kind !== 'datatype') continue;
      const c = constraintFor(ontology, cls.name, name);
      const notes = [
        def.functional ? def.range : `${def.range}[]`,
        ...((c.minCount ?? 0) > 0 ? ['required'] : []),
        ...(c.in ? [`one of ${c.in.join('|')}`] : []),
        ...(c.pattern ? [`pattern ${c.pattern}`] : []),
      ];
      properties[name] = notes.join(', ');
    }
    const relationships: Record<string, string> = {};
    for (const name of cls.objectProperties) {
      const def = ontology.properties.get(name);
      if (def?.kind === 'object') relationships[name] = `→ ${def.range ?? 'any'}${def.functional ? '' : '[]'}`;
    }
    classes[cls.name] = {
      ...(cls.comment && { comment: cls.comment }),
      ...(cls.superClasses.length > 0 && { subClassOf: cls.superClasses }),
      properties,
      ...(Object.keys(relationships).length > 0 && { relationships }),
    };
  }
  const eventTypes = Object.fromEntries([...ontology.eventTypes.values()].map((et) => [et.name, et.comment ?? et.label ?? '']));
  return { iri: ontology.iri, version: ontology.version, ...(ontology.label && { label: ontology.label }), classes, eventTypes };
}
