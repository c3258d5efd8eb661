/**
 * The GraphQL naming scheme, in one place so that SDL and resolvers agree (docs/api.md "Naming").
 *
 * - Every class is an object type named exactly like the class (`Referral`).
 * - A class with subclasses also gets an interface `<Class>Like` (`PractitionerLike`) implemented by the class
 *   itself and every descendant; fields typed with that class use the interface, so a `Specialist` can stand
 *   where a `Practitioner` is expected.
 * - Root fields: `<class>(id)` (lowerCamel) and `<classPlural>(where, orderBy, first, after)`.
 */
import type { CompiledOntology } from '../../core/ontology/model.ts';

/** `GeneralPractitioner` → `generalPractitioner`. */
export function lowerCamel(name: string): string {
  const lead = /^[A-Z]+(?=[A-Z][a-z]|$)/.exec(name)?.[0];
  if (lead && lead.length > 1) return lead.toLowerCase() + name.slice(lead.length);
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** English plural good enough for class names: `Specialty` → `Specialties`, `Address` → `Addresses`. */
export function plural(name: string): string {
  if (/[^aeiou]y$/i.test(name)) return `${name.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(name)) return `${name}es`;
  return `${name}s`;
}

/** The root list field of a class: `referrals`. A class whose name is already plural gets `<name>List`. */
export function listFieldName(className: string): string {
  const single = lowerCamel(className);
  const many = lowerCamel(plural(className));
  return many === single ? `${single}List` : many;
}

/** True when the class has subclasses and therefore an interface `<Class>Like`. */
export function hasSubclasses(ontology: CompiledOntology, className: string): boolean {
  return (ontology.classes.get(className)?.descendants.length ?? 0) > 0;
}

/** The GraphQL type to use where a value of `className` (or any subclass) is expected. */
export function typeRefFor(ontology: CompiledOntology, className: string | undefined): string {
  if (className === undefined || !ontology.classes.has(className)) return 'Node';
  return hasSubclasses(ontology, className) ? `${className}Like` : className;
}

/** The class whose `Where`/`OrderBy` inputs apply to a type reference (`PractitionerLike` → `Practitioner`). */
export function classOfTypeRef(typeRef: string): string | undefined {
  if (typeRef === 'Node') return undefined;
  return typeRef.endsWith('Like') ? typeRef.slice(0, -4) : typeRef;
}

/** The class at the other end of an incoming relationship: the property's single domain, else any node. */
export function incomingSourceClass(ontology: CompiledOntology, property: string): string | undefined {
  const def = ontology.properties.get(property);
  if (def?.kind !== 'object' || def.domain.length !== 1) return undefined;
  return def.domain[0];
}

/** Root Query fields that are not per class; a class whose generated name collides is an error. */
export const FIXED_ROOT_FIELDS: ReadonlySet<string> = new Set(['node', 'nodes', 'neighbourhood', 'paths', 'event', 'headSeq', 'ontology', 'ledger', 'changesSince', 'search']);
