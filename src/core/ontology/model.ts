/**
 * The compiled ontology: one immutable value from which everything else is derived — payload validators,
 * the graph mapping, the GraphQL SDL. One name everywhere: a term's local name is its graph label,
 * property key, relationship type and GraphQL name; the full IRI is kept for RDF export.
 */
import type { OntologyDiagnostic, SourceLocation } from '../errors.ts';

/** Scalar value types a datatype property can hold, mapped from xsd ranges. */
export type ValueType = 'string' | 'integer' | 'float' | 'boolean' | 'date' | 'dateTime' | 'anyURI';

/** The xsd datatypes the compiler accepts, and the value type each maps to. */
export const XSD_TO_VALUE_TYPE: Readonly<Record<string, ValueType>> = Object.freeze({
  string: 'string',
  normalizedString: 'string',
  token: 'string',
  language: 'string',
  langString: 'string',
  integer: 'integer',
  int: 'integer',
  long: 'integer',
  short: 'integer',
  nonNegativeInteger: 'integer',
  positiveInteger: 'integer',
  decimal: 'float',
  double: 'float',
  float: 'float',
  boolean: 'boolean',
  date: 'date',
  dateTime: 'dateTime',
  dateTimeStamp: 'dateTime',
  anyURI: 'anyURI',
});

/** Common documentation fields of every named term. */
export interface TermInfo {
  /** Full IRI. */
  readonly iri: string;
  /** Local name: graph label / property key / relationship type / GraphQL name. */
  readonly name: string;
  readonly label?: string;
  readonly comment?: string;
  /** Where the term was declared. */
  readonly location?: SourceLocation;
  /** `owl:deprecated true` or a migration-made deprecation. */
  readonly deprecated?: string;
}

/** An `owl:Class`. */
export interface ClassDef extends TermInfo {
  /** Direct superclasses (names). */
  readonly superClasses: readonly string[];
  /** Every superclass, transitively (names, nearest first, without the class itself). */
  readonly ancestors: readonly string[];
  /** Every subclass, transitively (names). */
  readonly descendants: readonly string[];
  /** Datatype properties usable on this class: declared on it or an ancestor (names). */
  readonly datatypeProperties: readonly string[];
  /** Object properties whose domain is this class or an ancestor (names). */
  readonly objectProperties: readonly string[];
  /** Object properties whose range is this class or an ancestor (names): the incoming relationships. */
  readonly incomingProperties: readonly string[];
}

/** Cardinality / value constraints on one property of one class (from SHACL, or from owl:FunctionalProperty). */
export interface PropertyConstraint {
  readonly minCount?: number;
  readonly maxCount?: number;
  /** `sh:in`: the allowed values. */
  readonly in?: readonly (string | number | boolean)[];
  /** `sh:pattern` (a JS-compatible regular expression source). */
  readonly pattern?: string;
  readonly datatype?: ValueType;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minInclusive?: number;
  readonly maxInclusive?: number;
  readonly location?: SourceLocation;
}

/** An `owl:DatatypeProperty`: a node property. */
export interface DatatypePropertyDef extends TermInfo {
  readonly kind: 'datatype';
  /** Domain classes (names); empty = any class. */
  readonly domain: readonly string[];
  readonly range: ValueType;
  /** The xsd local name, e.g. `dateTime`. */
  readonly xsd: string;
  /** Functional = single-valued; otherwise values accumulate into a list. */
  readonly functional: boolean;
  /**
   * In the full-text index (`search`): `tg:searchable true|false` when the ontology says, else true for
   * string-valued properties (xsd:string and its kin) and false for the rest.
   */
  readonly searchable: boolean;
}

/** An `owl:ObjectProperty`: a relationship `(domain)-[name]->(range)`. */
export interface ObjectPropertyDef extends TermInfo {
  readonly kind: 'object';
  /** Domain classes (names); empty = any class. */
  readonly domain: readonly string[];
  /** Range class (name); undefined = any class. */
  readonly range: string | undefined;
  /** Functional: at most one target; a new target replaces the old one. */
  readonly functional: boolean;
  /** Name of the reverse field: from `owl:inverseOf`, else generated (`<name>Of`). */
  readonly inverseName: string;
  /** True when `inverseName` comes from `owl:inverseOf` in the ontology. */
  readonly inverseDeclared: boolean;
}

export type PropertyDef = DatatypePropertyDef | ObjectPropertyDef;

/** A SHACL node shape, resolved: constraints per property name for one target class. */
export interface ShapeDef {
  readonly iri: string;
  readonly targetClass: string;
  readonly properties: Readonly<Record<string, PropertyConstraint>>;
  readonly location?: SourceLocation;
}

/** An event type declared with the trailgraph vocabulary (`tg:EventType`). */
export interface EventTypeDef extends TermInfo {
  /** Classes whose resources the event may create or update (`tg:asserts`), names. Subclasses included. */
  readonly asserts: readonly string[];
  /**
   * Classes the event creates (`tg:creates`, implies asserts): resources of these classes must be complete,
   * so SHACL `sh:minCount` is enforced on them. For merely asserted classes an event may carry a partial update.
   */
  readonly creates: readonly string[];
  /** Properties the event may set (`tg:assertsProperty`); empty = every property of the asserted classes. */
  readonly assertsProperties: readonly string[];
  /** Properties the event may retract with `null` (`tg:retracts`). */
  readonly retracts: readonly string[];
  /** Classes whose nodes the event may delete (`tg:deletes`). */
  readonly deletes: readonly string[];
  /** The aggregate class (`tg:aggregate`): the resource named by the event's `subject`. */
  readonly aggregate?: string;
}

/** The compiled ontology. Deeply frozen; safe to share between requests and workers. */
export interface CompiledOntology {
  /** The ontology IRI (of the root file). */
  readonly iri: string;
  /** `owl:versionInfo`, e.g. `1.0.0`. */
  readonly version: string;
  /** `owl:versionIRI`; the value producers put in `dataschema`. */
  readonly versionIri?: string;
  readonly label?: string;
  readonly comment?: string;
  readonly classes: ReadonlyMap<string, ClassDef>;
  readonly properties: ReadonlyMap<string, PropertyDef>;
  readonly shapes: ReadonlyMap<string, ShapeDef>;
  readonly eventTypes: ReadonlyMap<string, EventTypeDef>;
  /** Namespace prefixes declared in the sources (for RDF export). */
  readonly prefixes: Readonly<Record<string, string>>;
  /** Files compiled, in import order. */
  readonly files: readonly string[];
  /** Warnings: constructs outside the supported subset, located. Errors abort compilation instead. */
  readonly diagnostics: readonly OntologyDiagnostic[];
}

/**
 * Names that can never be a term's local name: `id`, which names the node itself in events and in the API, and
 * JavaScript's object machinery. Names the API uses are not among them: a class named like an API type, or a
 * property named like a field every node has (`history`, `marks`), is served under an escaped name instead
 * (api/schema/names.ts `typeName`, field-plan.ts).
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['id', '__proto__', 'constructor', 'prototype']);

/**
 * The effective constraint for `property` on `className`: the merge of the shapes targeting the class and
 * its ancestors (nearest wins), plus functional ⇒ maxCount 1.
 */
export function constraintFor(ontology: CompiledOntology, className: string, property: string): PropertyConstraint {
  const cls = ontology.classes.get(className);
  const chain = cls ? [...cls.ancestors].reverse().concat(className) : [className];
  let merged: PropertyConstraint = {};
  for (const c of chain) {
    for (const shape of ontology.shapes.values()) {
      if (shape.targetClass !== c) continue;
      const pc = shape.properties[property];
      if (pc) merged = { ...merged, ...pc };
    }
  }
  const def = ontology.properties.get(property);
  if (def?.functional && merged.maxCount === undefined) merged = { ...merged, maxCount: 1 };
  return merged;
}

/** True when `name` is `ancestor` or one of its subclasses. */
export function isA(ontology: CompiledOntology, name: string, ancestor: string): boolean {
  if (name === ancestor) return true;
  return ontology.classes.get(name)?.ancestors.includes(ancestor) ?? false;
}

/** The labels a node of `className` carries: the class and its ancestors. */
export function labelsOf(ontology: CompiledOntology, className: string): string[] {
  const cls = ontology.classes.get(className);
  return cls ? [className, ...cls.ancestors] : [className];
}
