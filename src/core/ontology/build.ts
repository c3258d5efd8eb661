/**
 * The last, pure stage of compilation: an OntologySpec (terms with their direct facts) → CompiledOntology
 * (closures computed, everything frozen). The Turtle compiler produces a spec; tests may write one by hand.
 */
import type { OntologyDiagnostic, SourceLocation } from '../errors.ts';
import type {
  ClassDef,
  CompiledOntology,
  DatatypePropertyDef,
  EventTypeDef,
  ObjectPropertyDef,
  PropertyConstraint,
  ShapeDef,
  ValueType,
} from './model.ts';
import { ClassHierarchy } from './hierarchy.ts';

type Doc = { iri?: string; label?: string; comment?: string; location?: SourceLocation; deprecated?: string };

/** Direct facts about the terms of an ontology, before closure. Names are local names. */
export interface OntologySpec {
  iri: string;
  version: string;
  versionIri?: string;
  label?: string;
  comment?: string;
  /** Base namespace used to make IRIs for terms given without one. */
  namespace?: string;
  classes: Record<string, Doc & { superClasses?: string[] }>;
  datatypeProperties?: Record<string, Doc & { domain?: string[]; range: ValueType; xsd?: string; functional?: boolean; searchable?: boolean }>;
  objectProperties?: Record<string, Doc & { domain?: string[]; range?: string; functional?: boolean; inverseOf?: string }>;
  shapes?: Record<string, { targetClass: string; properties: Record<string, PropertyConstraint>; location?: SourceLocation; iri?: string }>;
  eventTypes?: Record<string, Doc & { asserts: string[]; creates?: string[]; assertsProperties?: string[]; retracts?: string[]; deletes?: string[]; aggregate?: string }>;
  prefixes?: Record<string, string>;
  files?: string[];
  diagnostics?: OntologyDiagnostic[];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    if (value instanceof Map) for (const v of value.values()) deepFreeze(v);
    // Only data properties: reading an accessor would compute a lazy closure (see `lazy`).
    else for (const d of Object.values(Object.getOwnPropertyDescriptors(value))) if ('value' in d) deepFreeze(d.value);
  }
  return value;
}

/** Names indexed by each class a key function gives, keeping declaration order as a rank; no key → `everywhere`. */
interface ClassIndex {
  readonly byClass: Map<string, number[]>;
  readonly names: readonly string[];
  readonly everywhere: readonly number[];
}

function indexBy<T>(entries: readonly [string, T][], classesOf: (t: T) => readonly string[] | undefined): ClassIndex {
  const byClass = new Map<string, number[]>();
  const everywhere: number[] = [];
  entries.forEach(([, t], i) => {
    const cs = classesOf(t) ?? [];
    if (cs.length === 0) everywhere.push(i);
    for (const c of cs) {
      const list = byClass.get(c);
      if (list) list.push(i);
      else byClass.set(c, [i]);
    }
  });
  return { byClass, names: entries.map(([n]) => n), everywhere };
}

/** The names indexed under any of `classes` (or under none), once each, in declaration order. */
function gather(index: ClassIndex, classes: readonly string[]): readonly string[] {
  const hits = new Set<number>(index.everywhere);
  for (const c of classes) for (const i of index.byClass.get(c) ?? []) hits.add(i);
  return Object.freeze([...hits].sort((a, b) => a - b).map((i) => index.names[i] as string));
}

/** A read-only property computed on first read and remembered (the object holding it can be frozen). */
function lazy(compute: () => readonly string[]): PropertyDescriptor {
  let value: readonly string[] | undefined;
  return { enumerable: true, get: () => (value ??= Object.freeze([...compute()])) };
}

function doc(d: Doc, iri: string, name: string): Omit<ClassDef, 'superClasses' | 'ancestors' | 'descendants' | 'datatypeProperties' | 'objectProperties' | 'incomingProperties'> {
  return {
    iri: d.iri ?? iri,
    name,
    ...(d.label !== undefined && { label: d.label }),
    ...(d.comment !== undefined && { comment: d.comment }),
    ...(d.location !== undefined && { location: d.location }),
    ...(d.deprecated !== undefined && { deprecated: d.deprecated }),
  };
}

/** Computes closures (ancestors nearest-first, descendants, property lists) and freezes the result. */
export function buildOntology(spec: OntologySpec): CompiledOntology {
  const ns = spec.namespace ?? `${spec.iri.replace(/[#/]$/, '')}#`;
  const iriOf = (name: string): string => `${ns}${name}`;
  const dps = spec.datatypeProperties ?? {};
  const ops = spec.objectProperties ?? {};

  const hierarchy = new ClassHierarchy(Object.keys(spec.classes), (n) => spec.classes[n]?.superClasses ?? []);
  // Properties indexed by the class their domain (or range) names, so a class's list is gathered from its own
  // ancestors rather than by testing every property against every class.
  const byDomain = indexBy(Object.entries(dps), (p) => p.domain);
  const objectsByDomain = indexBy(Object.entries(ops), (p) => p.domain);
  const objectsByRange = indexBy(Object.entries(ops), (p) => (p.range === undefined ? [] : [p.range]));
  const incomingIndex = { ...objectsByRange, everywhere: [] };

  const classes = new Map<string, ClassDef>();
  for (const [name, c] of Object.entries(spec.classes)) {
    // Closures are computed when first read: a deep hierarchy's are quadratic in size, and most are never read.
    const self = [name];
    const lineage = (): readonly string[] => [...self, ...hierarchy.ancestors(name)];
    classes.set(name, Object.freeze(Object.defineProperties(
      { ...doc(c, iriOf(name), name), superClasses: Object.freeze([...(c.superClasses ?? [])]) },
      {
        ancestors: lazy(() => hierarchy.ancestors(name)),
        descendants: lazy(() => hierarchy.descendants(name)),
        datatypeProperties: lazy(() => gather(byDomain, lineage())),
        objectProperties: lazy(() => gather(objectsByDomain, lineage())),
        incomingProperties: lazy(() => gather(incomingIndex, lineage())),
      },
    ) as ClassDef));
  }

  const properties = new Map<string, DatatypePropertyDef | ObjectPropertyDef>();
  for (const [name, p] of Object.entries(dps)) {
    properties.set(name, {
      ...doc(p, iriOf(name), name),
      kind: 'datatype',
      domain: [...(p.domain ?? [])],
      range: p.range,
      xsd: p.xsd ?? p.range,
      functional: p.functional ?? false,
      // Full-text search covers string-valued properties unless the ontology says otherwise (tg:searchable).
      searchable: p.searchable ?? p.range === 'string',
    });
  }
  // An inverse declared on either side names the reverse field of the other.
  const declaredInverse = new Map<string, string>();
  for (const [name, p] of Object.entries(ops)) {
    if (p.inverseOf) {
      declaredInverse.set(name, p.inverseOf);
      if (!declaredInverse.has(p.inverseOf)) declaredInverse.set(p.inverseOf, name);
    }
  }
  for (const [name, p] of Object.entries(ops)) {
    const inv = declaredInverse.get(name);
    properties.set(name, {
      ...doc(p, iriOf(name), name),
      kind: 'object',
      domain: [...(p.domain ?? [])],
      range: p.range,
      functional: p.functional ?? false,
      inverseName: inv ?? `${name}Of`,
      inverseDeclared: inv !== undefined,
    });
  }

  const shapes = new Map<string, ShapeDef>();
  for (const [name, s] of Object.entries(spec.shapes ?? {})) {
    shapes.set(name, {
      iri: s.iri ?? iriOf(name),
      targetClass: s.targetClass,
      properties: { ...s.properties },
      ...(s.location && { location: s.location }),
    });
  }

  const eventTypes = new Map<string, EventTypeDef>();
  for (const [name, e] of Object.entries(spec.eventTypes ?? {})) {
    eventTypes.set(name, {
      ...doc(e, iriOf(name), name),
      asserts: [...new Set([...e.asserts, ...(e.creates ?? [])])],
      creates: [...(e.creates ?? [])],
      assertsProperties: [...(e.assertsProperties ?? [])],
      retracts: [...(e.retracts ?? [])],
      deletes: [...(e.deletes ?? [])],
      ...(e.aggregate !== undefined && { aggregate: e.aggregate }),
    });
  }

  return deepFreeze({
    iri: spec.iri,
    version: spec.version,
    ...(spec.versionIri !== undefined && { versionIri: spec.versionIri }),
    ...(spec.label !== undefined && { label: spec.label }),
    ...(spec.comment !== undefined && { comment: spec.comment }),
    classes,
    properties,
    shapes,
    eventTypes,
    prefixes: { ...(spec.prefixes ?? {}) },
    files: [...(spec.files ?? [])],
    diagnostics: [...(spec.diagnostics ?? [])],
  });
}
