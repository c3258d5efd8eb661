/**
 * Which GraphQL fields a class gets, derived once from the ontology and shared by the SDL writer and the
 * resolver factory so the two can never disagree.
 */
import type { CompiledOntology, ValueType } from '../../core/ontology/model.ts';
import { incomingSourceClass, typeRefFor } from './names.ts';

export type FieldPlan =
  | { readonly kind: 'datatype'; readonly name: string; readonly property: string; readonly valueType: ValueType; readonly functional: boolean }
  | {
      readonly kind: 'relationship';
      readonly name: string;
      /** The relationship type (object property name). */
      readonly property: string;
      readonly direction: 'out' | 'in';
      /** Single object (functional) or a connection. */
      readonly single: boolean;
      /** GraphQL type of the node at the other end. */
      readonly target: string;
    }
  | { readonly kind: 'count'; readonly name: string; readonly property: string; readonly direction: 'out' | 'in' };

/** Fields every node type has (declared on the Node interface). */
export const NODE_FIELDS: ReadonlySet<string> = new Set(['id', '_class', '_labels', '_provenance', 'history']);

/** Fields the API adds to every node type: a property of the same name is served as the name plus `_`. */
const MACHINERY_FIELDS: ReadonlySet<string> = new Set([...NODE_FIELDS, 'marks', 'claims']);
const fieldName = (name: string): string => (MACHINERY_FIELDS.has(name) ? `${name}_` : name);

/** GraphQL scalar for each ontology value type. */
export const SCALAR_OF: Readonly<Record<ValueType, string>> = {
  string: 'String',
  integer: 'Int',
  float: 'Float',
  boolean: 'Boolean',
  date: 'Date',
  dateTime: 'DateTime',
  anyURI: 'URI',
};

/**
 * The fields of `className`, in a stable order: datatype properties, outgoing relationships (by property name),
 * incoming relationships (by inverse name), then counts. A name already taken is skipped (first wins), so an
 * explicitly declared inverse property shadows the generated incoming field of the same name.
 */
export function planClassFields(ontology: CompiledOntology, className: string): FieldPlan[] {
  const cls = ontology.classes.get(className);
  if (!cls) return [];
  const taken = new Set(NODE_FIELDS);
  const out: FieldPlan[] = [];
  const push = (f: FieldPlan): void => {
    if (taken.has(f.name)) return;
    taken.add(f.name);
    out.push(f);
  };
  for (const name of cls.datatypeProperties) {
    const def = ontology.properties.get(name);
    if (def?.kind !== 'datatype') continue;
    push({ kind: 'datatype', name: fieldName(name), property: name, valueType: def.range, functional: def.functional });
  }
  const rels: Extract<FieldPlan, { kind: 'relationship' }>[] = [];
  for (const name of cls.objectProperties) {
    const def = ontology.properties.get(name);
    if (def?.kind !== 'object') continue;
    rels.push({ kind: 'relationship', name: fieldName(name), property: name, direction: 'out', single: def.functional, target: typeRefFor(ontology, def.range) });
  }
  for (const name of cls.incomingProperties) {
    const def = ontology.properties.get(name);
    if (def?.kind !== 'object') continue;
    // The reverse side is single only when the ontology declares the inverse as a functional property itself.
    const inverse = ontology.properties.get(def.inverseName);
    const single = inverse?.kind === 'object' && inverse.functional && def.inverseDeclared;
    rels.push({
      kind: 'relationship',
      name: fieldName(def.inverseName),
      property: name,
      direction: 'in',
      single,
      target: typeRefFor(ontology, incomingSourceClass(ontology, name)),
    });
  }
  for (const r of rels) push(r);
  for (const r of rels) if (!r.single) push({ kind: 'count', name: `${r.name}Count`, property: r.property, direction: r.direction });
  return out;
}
