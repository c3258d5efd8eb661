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
  datatypeProperties?: Record<string, Doc & { domain?: string[]; range: ValueType; xsd?: string; functional?: boolean }>;
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
    else for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
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

  const ancestorsOf = (name: string): string[] => {
    const out: string[] = [];
    let frontier = [...(spec.classes[name]?.superClasses ?? [])];
    while (frontier.length) {
      const next: string[] = [];
      for (const c of frontier) {
        if (c === name || out.includes(c)) continue;
        out.push(c);
        next.push(...(spec.classes[c]?.superClasses ?? []));
      }
      frontier = next;
    }
    return out;
  };
  const ancestors = new Map(Object.keys(spec.classes).map((n) => [n, ancestorsOf(n)]));
  const appliesTo = (domain: readonly string[] | undefined, cls: string): boolean =>
    !domain || domain.length === 0 || domain.includes(cls) || (ancestors.get(cls) ?? []).some((a) => domain.includes(a));

  const classes = new Map<string, ClassDef>();
  for (const [name, c] of Object.entries(spec.classes)) {
    const anc = ancestors.get(name) ?? [];
    classes.set(name, {
      ...doc(c, iriOf(name), name),
      superClasses: [...(c.superClasses ?? [])],
      ancestors: anc,
      descendants: [...ancestors].filter(([, a]) => a.includes(name)).map(([n]) => n),
      datatypeProperties: Object.entries(dps).filter(([, p]) => appliesTo(p.domain, name)).map(([n]) => n),
      objectProperties: Object.entries(ops).filter(([, p]) => appliesTo(p.domain, name)).map(([n]) => n),
      incomingProperties: Object.entries(ops)
        .filter(([, p]) => p.range !== undefined && (p.range === name || anc.includes(p.range)))
        .map(([n]) => n),
    });
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
