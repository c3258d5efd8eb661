/**
 * What one event type lets a resource of one class carry: per property its definition, effective constraint and
 * write rules, plus the properties it must carry. Derived once here for both payload checks — the zod schemas
 * (payload.ts, the source of the error reports) and the fast acceptance path (payload-accepts.ts) — so the two
 * cannot drift apart.
 */
import { constraintFor, type CompiledOntology, type EventTypeDef, type PropertyConstraint, type PropertyDef } from '../ontology/model.ts';
import type { ValueRules } from './payload-values.ts';

export interface PropertyRule {
  readonly name: string;
  readonly def: PropertyDef;
  readonly constraint: PropertyConstraint;
  readonly rules: ValueRules;
}

export interface ClassRules {
  readonly properties: readonly PropertyRule[];
  /** `[property, minCount]` enforced when the event type creates the class. */
  readonly required: readonly (readonly [string, number])[];
}

export function classRules(ontology: CompiledOntology, et: EventTypeDef, cls: string, creates: boolean): ClassRules {
  const def = ontology.classes.get(cls);
  const names = def ? [...def.datatypeProperties, ...def.objectProperties] : [];
  const properties: PropertyRule[] = [];
  const required: [string, number][] = [];
  for (const name of names) {
    const p = ontology.properties.get(name);
    if (!p) continue;
    const c = constraintFor(ontology, cls, name);
    properties.push({
      name,
      def: p,
      constraint: c,
      rules: {
        property: name,
        functional: p.functional,
        maxCount: c.maxCount,
        retractable: et.retracts.includes(name),
        assertable: et.assertsProperties.length === 0 || et.assertsProperties.includes(name),
        eventType: et.name,
        retracts: et.retracts,
        assertsProperties: et.assertsProperties,
      },
    });
    if (c.minCount !== undefined && c.minCount > 0 && creates) required.push([name, c.minCount]);
  }
  return { properties, required };
}
