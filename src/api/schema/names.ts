/**
 * The GraphQL naming scheme, in one place so that SDL and resolvers agree (docs/api.md "Naming").
 *
 * - Every class is an object type named exactly like the class (`Referral`), unless that name is one of trailgraph's
 *   own API types (`Relationship`, `Path`, `Node`, …): then it is the class name and `_` (`Relationship_`), so an
 *   ontology never has to rename a term for the API (DCAT has a class `Relationship`).
 * - A class with subclasses also gets an interface `<Class>Like` (`PractitionerLike`) implemented by the class
 *   itself and every descendant; fields typed with that class use the interface, so a `Specialist` can stand
 *   where a `Practitioner` is expected.
 * - Root fields: `<class>(id)` (lowerCamel) and `<classPlural>(where, orderBy, first, after)`; both with a trailing
 *   `_` when the type name is escaped or when either names a built-in root field (`event`, `search`, …).
 */
import type { CompiledOntology } from '../../core/ontology/model.ts';

/**
 * trailgraph's own type names in the served schema (base, search, marks, process and as-of extensions, scalars).
 * test/api/type-names.unit.spec.ts checks this list against the schema the service serves.
 */
export const API_TYPE_NAMES: ReadonlySet<string> = new Set([
  'AsOf', 'BooleanFilter', 'ChangeMark', 'ChangeMarkKind', 'Claim', 'ClaimResult', 'Date', 'DateFilter', 'DateTime',
  'DateTimeFilter', 'FloatFilter', 'IDFilter', 'IntFilter', 'JSON', 'LedgerEntry', 'MarkChange', 'MarkPresence', 'MarkWhere', 'Mutation',
  'NeighbourNode', 'Neighbourhood', 'Node', 'NodeRef', 'OntologyInfo', 'PageInfo', 'Path', 'Provenance', 'PublishResult', 'PublishStatus',
  'Query', 'Relationship', 'RelationshipFilter', 'RelationshipType', 'SearchConnection', 'SearchHit', 'SignalMark', 'SignalMarkResult',
  'SortDirection', 'StringFilter', 'Subscription', 'URI', 'CausalProcess', 'CausalStep', 'CausalWaiting', 'WaitingClaim', 'WaitingMark',
  // GraphQL's own scalars.
  'Boolean', 'Float', 'ID', 'Int', 'String',
]);

/** The GraphQL type of a class: its name, or `<Name>_` when that is one of trailgraph's own type names. */
export function typeName(className: string): string {
  return API_TYPE_NAMES.has(className) ? `${className}_` : className;
}

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
  return hasSubclasses(ontology, className) ? `${typeName(className)}Like` : typeName(className);
}

/** The class whose `Where`/`OrderBy` inputs apply to a type reference (`PractitionerLike` → `Practitioner`). */
export function classOfTypeRef(typeRef: string): string | undefined {
  if (typeRef === 'Node') return undefined;
  const type = typeRef.endsWith('Like') ? typeRef.slice(0, -4) : typeRef;
  return type.endsWith('_') && API_TYPE_NAMES.has(type.slice(0, -1)) ? type.slice(0, -1) : type;
}

/** The class at the other end of an incoming relationship: the property's single domain, else any node. */
export function incomingSourceClass(ontology: CompiledOntology, property: string): string | undefined {
  const def = ontology.properties.get(property);
  if (def?.kind !== 'object' || def.domain.length !== 1) return undefined;
  return def.domain[0];
}

/** Root Query fields that are not per class. */
export const FIXED_ROOT_FIELDS: ReadonlySet<string> = new Set(['node', 'nodes', 'neighbourhood', 'paths', 'event', 'headSeq', 'ontology', 'ledger', 'changesSince', 'search']);

/** A class's two root fields (one by id, the list), escaped with `_` when they would collide (see above). */
export function rootFieldNames(className: string): { one: string; many: string } {
  const one = lowerCamel(className);
  const many = listFieldName(className);
  const escape = API_TYPE_NAMES.has(className) || FIXED_ROOT_FIELDS.has(one) || FIXED_ROOT_FIELDS.has(many);
  return escape ? { one: `${one}_`, many: `${many}_` } : { one, many };
}
