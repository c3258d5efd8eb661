/**
 * SHACL node shapes: required properties, cardinalities and value constraints per target class.
 * Supported: sh:NodeShape + sh:targetClass + sh:property [ sh:path <named property>; sh:minCount; sh:maxCount;
 * sh:in ( literals ); sh:pattern; sh:datatype; sh:minLength; sh:maxLength; sh:minInclusive; sh:maxInclusive ].
 */
import type { Term } from '@rdfjs/types';
import type { OntologySpec } from './build.ts';
import type { CompileContext } from './compile-context.ts';
import { isDocumentation, unsupported } from './extract-docs.ts';
import { xsdValueType } from './extract-terms.ts';
import type { PropertyConstraint } from './model.ts';
import type { LocatedTriple } from './turtle-parse.ts';
import { RDF, SH, localName } from './vocabulary.ts';

type ShapeSpec = NonNullable<OntologySpec['shapes']>[string];
type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type DomainOf = (property: string) => readonly string[];

const INTEGER_FACETS = { [SH.minCount]: 'minCount', [SH.maxCount]: 'maxCount', [SH.minLength]: 'minLength', [SH.maxLength]: 'maxLength' } as const;
const NUMBER_FACETS = { [SH.minInclusive]: 'minInclusive', [SH.maxInclusive]: 'maxInclusive' } as const;
/** Facets that only make sense on a datatype property. */
const VALUE_FACETS = new Set(['in', 'pattern', 'datatype', 'minLength', 'maxLength', 'minInclusive', 'maxInclusive']);

/** A literal as a JS value: numbers and booleans by datatype, everything else a string. */
export function literalValue(term: Term): string | number | boolean {
  if (term.termType !== 'Literal') return term.value;
  const type = xsdValueType(term.datatype.value)?.type;
  if (type === 'integer' || type === 'float') return Number(term.value);
  if (type === 'boolean') return term.value === 'true' || term.value === '1';
  return term.value;
}

/**
 * Reads every node shape. `isA(c, d)` answers subclass questions and `domainOf` gives a property's domain, so a
 * shape on a class the property does not apply to is caught here.
 */
export function extractShapes(ctx: CompileContext, isA: (c: string, d: string) => boolean, domainOf: DomainOf): Record<string, ShapeSpec> {
  const shapes: Record<string, ShapeSpec> = {};
  for (const subject of ctx.index.subjects) {
    const typeTriple = ctx.index.with(subject, RDF.type).find((t) => t.object.value === SH.NodeShape);
    if (!typeTriple) continue;
    const short = ctx.short(subject);
    const targets = ctx.index.with(subject, SH.targetClass);
    const targetTriple = targets[0];
    if (!targetTriple) {
      ctx.error(`shape ${short} has no sh:targetClass (other SHACL targets are not supported)`, typeTriple, short);
      continue;
    }
    if (targets.length > 1 && targets[1]) ctx.warn(`shape ${short} has several sh:targetClass; only the first is used — write one shape per class`, targets[1], short);
    const targetClass = ctx.classRef(targetTriple.object, targetTriple, 'sh:targetClass');
    if (!targetClass) continue;
    const properties: Record<string, PropertyConstraint> = {};
    for (const t of ctx.index.about(subject)) {
      const p = t.predicate.value;
      if (p === SH.property) {
        const read = readPropertyShape(ctx, t, targetClass, isA, domainOf);
        if (read) properties[read.name] = { ...properties[read.name], ...read.constraint };
      } else if (p !== RDF.type && p !== SH.targetClass && !isDocumentation(ctx, p)) {
        unsupported(ctx, t);
      }
    }
    let key = subject.termType === 'NamedNode' ? localName(subject.value) : `${targetClass}Shape`;
    for (let n = 2; shapes[key]; n++) key = `${targetClass}Shape${n}`;
    shapes[key] = {
      targetClass,
      properties,
      location: { file: typeTriple.file, line: typeTriple.line },
      ...(subject.termType === 'NamedNode' && { iri: subject.value }),
    };
  }
  return shapes;
}

function readPropertyShape(
  ctx: CompileContext,
  holder: LocatedTriple,
  targetClass: string,
  isA: (c: string, d: string) => boolean,
  domainOf: DomainOf,
): { name: string; constraint: PropertyConstraint } | undefined {
  const node = holder.object;
  const pathTriple = ctx.index.with(node, SH.path)[0];
  if (!pathTriple) {
    ctx.error(`property shape without sh:path`, holder, ctx.short(holder.subject));
    return undefined;
  }
  if (pathTriple.object.termType !== 'NamedNode') {
    unsupported(ctx, pathTriple, 'sh:path must name one property; path expressions are not supported');
    return undefined;
  }
  const prop = ctx.propertyRef(pathTriple.object, pathTriple, 'sh:path');
  if (!prop) return undefined;
  const domain = domainOf(prop.name);
  if (domain.length > 0 && !domain.some((d) => isA(targetClass, d))) {
    ctx.error(`sh:path ${ctx.short(pathTriple.object)} does not apply to ${targetClass}: its rdfs:domain is ${domain.join(', ')}`, pathTriple, ctx.short(pathTriple.object));
    return undefined;
  }
  const c: Mutable<PropertyConstraint> = { location: { file: pathTriple.file, line: pathTriple.line } };
  for (const t of ctx.index.about(node)) {
    const p = t.predicate.value;
    const o = t.object;
    const intFacet = INTEGER_FACETS[p as keyof typeof INTEGER_FACETS];
    const numFacet = NUMBER_FACETS[p as keyof typeof NUMBER_FACETS];
    let facet: string | undefined;
    if (intFacet) {
      const n = Number(o.value);
      if (o.termType !== 'Literal' || !Number.isInteger(n) || n < 0) ctx.error(`${ctx.short(t.predicate)} must be a non-negative integer, got ${ctx.short(o)}`, t, prop.name);
      else c[intFacet] = n;
      facet = intFacet;
    } else if (numFacet) {
      const n = Number(o.value);
      if (o.termType !== 'Literal' || o.value.trim() === '' || !Number.isFinite(n)) unsupported(ctx, t, 'only numeric bounds are supported');
      else c[numFacet] = n;
      facet = numFacet;
    } else if (p === SH.in) {
      const list = ctx.index.list(o);
      if (!list.ok || list.items.some((i) => i.termType !== 'Literal')) unsupported(ctx, t, 'sh:in must be a list of literals');
      else c.in = list.items.map(literalValue);
      facet = 'in';
    } else if (p === SH.pattern) {
      try {
        new RegExp(o.value, 'u');
        c.pattern = o.value;
      } catch (err) {
        ctx.error(`sh:pattern ${JSON.stringify(o.value)} is not a valid regular expression: ${(err as Error).message}`, t, prop.name);
      }
      facet = 'pattern';
    } else if (p === SH.datatype) {
      const known = o.termType === 'NamedNode' ? xsdValueType(o.value) : undefined;
      if (!known) unsupported(ctx, t, 'sh:datatype must be a supported xsd datatype');
      else c.datatype = known.type;
      facet = 'datatype';
    } else if (p !== SH.path && p !== RDF.type && !isDocumentation(ctx, p)) {
      unsupported(ctx, t);
    }
    if (facet && prop.kind === 'object' && VALUE_FACETS.has(facet)) {
      ctx.error(`${ctx.short(t.predicate)} constrains values, but ${prop.name} is a relationship (object property); only sh:minCount/sh:maxCount apply`, t, prop.name);
    }
  }
  if (c.minCount !== undefined && c.maxCount !== undefined && c.minCount > c.maxCount) {
    ctx.error(`sh:minCount ${c.minCount} is greater than sh:maxCount ${c.maxCount} for ${prop.name}`, pathTriple, prop.name);
  }
  if (c.minLength !== undefined && c.maxLength !== undefined && c.minLength > c.maxLength) {
    ctx.error(`sh:minLength ${c.minLength} is greater than sh:maxLength ${c.maxLength} for ${prop.name}`, pathTriple, prop.name);
  }
  return { name: prop.name, constraint: c };
}
