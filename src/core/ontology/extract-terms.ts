/**
 * Declarations, classes and properties: the OWL part of the subset. First every declared term is registered
 * (so references can be checked in any order), then each term's statements are read; whatever is outside the
 * subset is reported where it was written and dropped.
 */
import type { Term } from '@rdfjs/types';
import type { ValueType } from './model.ts';
import { RESERVED_NAMES, XSD_TO_VALUE_TYPE } from './model.ts';
import type { OntologySpec } from './build.ts';
import type { CompileContext, TermKind } from './compile-context.ts';
import { readDocs, isDocumentation, unsupported, describeObject } from './extract-docs.ts';
import type { LocatedTriple } from './turtle-parse.ts';
import { NS, OWL, RDF, RDFS, SH, TG, isVocabularyTerm, localName } from './vocabulary.ts';

const KIND_OF_TYPE: Readonly<Record<string, TermKind>> = {
  [OWL.Class]: 'class',
  [RDFS.Class]: 'class',
  [OWL.ObjectProperty]: 'object',
  [OWL.DatatypeProperty]: 'datatype',
  [TG.EventType]: 'eventType',
};
/** Types that add nothing beyond the kind (or are read elsewhere). */
const QUIET_TYPES: ReadonlySet<string> = new Set([OWL.Ontology, SH.NodeShape, OWL.AnnotationProperty, OWL.FunctionalProperty, RDF.Property]);

/** Registers every declared term. Subjects that declare nothing are reported (once each). */
export function collectDeclarations(ctx: CompileContext): void {
  for (const subject of ctx.index.subjects) {
    if (subject.termType !== 'NamedNode' || isVocabularyTerm(subject.value)) continue;
    const typeTriples = ctx.index.with(subject, RDF.type);
    for (const t of typeTriples) {
      const kind = KIND_OF_TYPE[t.object.value];
      if (kind) ctx.declare(subject.value, kind, subject, t);
      else if (t.object.value === OWL.AnnotationProperty) {
        ctx.annotationProperties.add(subject.value);
        ctx.warn(`annotation property ${ctx.short(subject)}: its values document terms and are not compiled`, t, ctx.short(subject));
      }
    }
  }
}

/** Reports named subjects that are neither declared terms, ontologies, shapes nor annotation properties. */
export function reportUndeclaredSubjects(ctx: CompileContext): void {
  for (const subject of ctx.index.subjects) {
    const about = ctx.index.about(subject);
    const first = about[0];
    if (!first) continue;
    if (subject.termType === 'BlankNode') {
      // Nested blank nodes are handled (or reported) through the statement that holds them.
      if (!ctx.index.isReferenced(subject)) {
        ctx.warn(`anonymous resource ${describeObject(ctx, subject)} is outside the supported subset; dropped`, first, describeObject(ctx, subject));
      }
      continue;
    }
    if (isVocabularyTerm(subject.value) || ctx.declared.has(subject.value) || ctx.annotationProperties.has(subject.value)) continue;
    const types = ctx.index.types(subject);
    if (types.some((t) => t === OWL.Ontology || t === SH.NodeShape)) continue;
    const typed = about.find((t) => t.predicate.value === RDF.type);
    const what = typed?.object.value === RDF.Property
      ? `${ctx.short(subject)} is only an rdf:Property; declare it owl:DatatypeProperty or owl:ObjectProperty to compile it`
      : typed
      ? `${ctx.short(subject)} is an individual or a term of unsupported type ${ctx.short(typed.object)}; instance data is not compiled`
      : `statements about ${ctx.short(subject)}, which these files do not declare (no owl:Class / owl:ObjectProperty / owl:DatatypeProperty type); dropped`;
    ctx.warn(what, typed ?? first, ctx.short(subject));
  }
}

/** Reads every declared class: superclasses, docs. */
export function extractClasses(ctx: CompileContext): OntologySpec['classes'] {
  const classes: OntologySpec['classes'] = {};
  for (const decl of ctx.declared.values()) {
    if (decl.kind !== 'class') continue;
    const superClasses: string[] = [];
    for (const t of ctx.index.about(decl.subject)) {
      const p = t.predicate.value;
      if (p === RDF.type) {
        if (!KIND_OF_TYPE[t.object.value] && !QUIET_TYPES.has(t.object.value)) unsupported(ctx, t, 'a class cannot also be an individual or have other types');
      } else if (p === RDFS.subClassOf) {
        if (t.object.termType !== 'NamedNode') {
          unsupported(ctx, t, 'only named superclasses are supported; express restrictions as SHACL shapes');
          continue;
        }
        const sup = ctx.classRef(t.object, t, 'superclass');
        if (sup && sup !== decl.name && !superClasses.includes(sup)) superClasses.push(sup);
      } else if (!isDocumentation(ctx, p)) {
        unsupported(ctx, t);
      }
    }
    classes[decl.name] = { iri: decl.iri, location: decl.location, superClasses, ...readDocs(ctx, decl.subject) };
  }
  return classes;
}

type DatatypeSpec = NonNullable<OntologySpec['datatypeProperties']>[string];
type ObjectSpec = NonNullable<OntologySpec['objectProperties']>[string];

/** Maps an xsd (or rdf:langString) IRI to its value type; undefined when unsupported. */
export function xsdValueType(iri: string): { xsd: string; type: ValueType } | undefined {
  const local = iri.startsWith(NS.xsd) ? iri.slice(NS.xsd.length) : iri === RDF.langString ? 'langString' : undefined;
  const type = local === undefined ? undefined : XSD_TO_VALUE_TYPE[local];
  return local !== undefined && type ? { xsd: local, type } : undefined;
}

/** Reads the rdfs:domain statements: named classes, or an owl:unionOf of named classes. */
function readDomain(ctx: CompileContext, subject: Term): string[] {
  const triples = ctx.index.with(subject, RDFS.domain);
  const domain: string[] = [];
  const add = (term: Term, t: LocatedTriple): void => {
    const c = ctx.classRef(term, t, 'domain');
    if (c && !domain.includes(c)) domain.push(c);
  };
  if (triples.length > 1 && triples[1]) {
    ctx.warn(`several rdfs:domain statements mean their intersection in OWL; trailgraph reads them as a union — write one rdfs:domain [ owl:unionOf ( … ) ]`, triples[1], ctx.short(subject));
  }
  for (const t of triples) {
    if (t.object.termType === 'NamedNode') add(t.object, t);
    else {
      const union = ctx.index.with(t.object, OWL.unionOf)[0];
      const list = union ? ctx.index.list(union.object) : undefined;
      if (list?.ok && list.items.every((i) => i.termType === 'NamedNode')) for (const i of list.items) add(i, t);
      else unsupported(ctx, t, 'a domain is a named class or an owl:unionOf of named classes');
    }
  }
  return domain;
}

/** Reads every declared property. Returns datatype and object properties separately. */
export function extractProperties(ctx: CompileContext): {
  datatypeProperties: Record<string, DatatypeSpec>;
  objectProperties: Record<string, ObjectSpec>;
} {
  const datatypeProperties: Record<string, DatatypeSpec> = {};
  const objectProperties: Record<string, ObjectSpec> = {};
  for (const decl of ctx.declared.values()) {
    if (decl.kind !== 'datatype' && decl.kind !== 'object') continue;
    const short = ctx.short(decl.subject);
    let functional = false;
    let inverseOf: string | undefined;
    let searchable: boolean | undefined;
    for (const t of ctx.index.about(decl.subject)) {
      const p = t.predicate.value;
      if (p === RDF.type) {
        if (t.object.value === OWL.FunctionalProperty) functional = true;
        else if (!KIND_OF_TYPE[t.object.value] && !QUIET_TYPES.has(t.object.value)) unsupported(ctx, t);
      } else if (p === OWL.inverseOf) {
        inverseOf = readInverse(ctx, decl.kind, t) ?? inverseOf;
      } else if (p === TG.searchable) {
        searchable = readSearchable(ctx, decl.kind, t) ?? searchable;
      } else if (p !== RDFS.domain && p !== RDFS.range && !isDocumentation(ctx, p)) {
        unsupported(ctx, t);
      }
    }
    const domain = readDomain(ctx, decl.subject);
    const ranges = ctx.index.with(decl.subject, RDFS.range);
    if (ranges.length > 1 && ranges[1]) ctx.warn(`several rdfs:range statements; only the first is used`, ranges[1], short);
    const rangeTriple = ranges[0];
    const base = { iri: decl.iri, location: decl.location, domain, functional, ...readDocs(ctx, decl.subject) };
    if (decl.kind === 'datatype') {
      let xsd = { xsd: 'string', type: 'string' as ValueType };
      if (!rangeTriple) {
        ctx.warn(`datatype property ${short} has no rdfs:range; its values are strings`, decl.location, short);
      } else if (rangeTriple.object.termType !== 'NamedNode') {
        unsupported(ctx, rangeTriple, 'its values are strings');
      } else {
        const known = xsdValueType(rangeTriple.object.value);
        const declaredRange = ctx.declared.get(rangeTriple.object.value);
        if (known) xsd = known;
        else if (declaredRange?.kind === 'class') {
          ctx.error(`datatype property ${short} has the class ${ctx.short(rangeTriple.object)} as rdfs:range; declare it owl:ObjectProperty or give an xsd range`, rangeTriple, short);
          continue;
        } else {
          ctx.warn(`rdfs:range ${ctx.short(rangeTriple.object)} of ${short} is not a supported xsd datatype; its values are strings`, rangeTriple, short);
        }
      }
      datatypeProperties[decl.name] = { ...base, range: xsd.type, xsd: xsd.xsd, ...(searchable !== undefined && { searchable }) };
    } else {
      let range: string | undefined;
      if (rangeTriple) {
        const o = rangeTriple.object;
        if (o.termType === 'NamedNode' && (xsdValueType(o.value) || o.value === RDFS.Literal)) {
          ctx.warn(`object property ${short} has the datatype ${ctx.short(o)} as rdfs:range; the property is dropped (declare it owl:DatatypeProperty)`, rangeTriple, short);
          continue;
        }
        if (o.termType !== 'NamedNode') unsupported(ctx, rangeTriple, 'a range is one named class; the property links to any class');
        else range = ctx.classRef(o, rangeTriple, 'range') ?? undefined;
      }
      objectProperties[decl.name] = { ...base, ...(range !== undefined && { range }), ...(inverseOf !== undefined && { inverseOf }) };
    }
  }
  return { datatypeProperties, objectProperties };
}

/** `tg:searchable true|false` on a datatype property: in or out of the full-text index. */
function readSearchable(ctx: CompileContext, kind: TermKind, t: LocatedTriple): boolean | undefined {
  const short = ctx.short(t.subject);
  if (kind !== 'datatype') {
    ctx.error(`tg:searchable on ${short}, which is not a datatype property (only property values are indexed)`, t, short);
    return undefined;
  }
  if (t.object.termType !== 'Literal' || !['true', 'false'].includes(t.object.value)) {
    ctx.error(`tg:searchable on ${short} must be true or false`, t, short);
    return undefined;
  }
  return t.object.value === 'true';
}

/** owl:inverseOf names the reverse field; the inverse need not be declared itself. */
function readInverse(ctx: CompileContext, kind: TermKind, t: LocatedTriple): string | undefined {
  const short = ctx.short(t.subject);
  if (kind !== 'object') {
    ctx.error(`owl:inverseOf on ${short}, which is not an object property`, t, short);
    return undefined;
  }
  if (t.object.termType !== 'NamedNode') {
    unsupported(ctx, t, 'the inverse must be a named property');
    return undefined;
  }
  const target = ctx.declared.get(t.object.value);
  if (target && target.kind !== 'object') {
    ctx.error(`owl:inverseOf ${ctx.short(t.object)}: it is not an object property`, t, short);
    return undefined;
  }
  const name = target?.name ?? localName(t.object.value);
  if (!target) {
    const holder = ctx.nameTakenByOther(name, t.object.value);
    if (holder || RESERVED_NAMES.has(name) || !/^[_A-Za-z][_0-9A-Za-z]*$/.test(name)) {
      const why = holder ? `collides with ${ctx.short(holder)}` : RESERVED_NAMES.has(name) ? 'is reserved by trailgraph' : 'is not a usable name';
      ctx.error(`inverse name "${name}" of ${short} ${why}`, t, short);
      return undefined;
    }
  }
  return name;
}
