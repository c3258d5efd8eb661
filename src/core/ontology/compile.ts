/**
 * The ontology compiler: Turtle sources → CompiledOntology, or located errors. Pure: the caller reads files.
 *
 * Stages: parse (with lines) → declarations → header → classes, properties → shapes, event types → cross checks
 * → `buildOntology`. Constructs outside the supported subset are warnings (located, term named) and are dropped;
 * broken references and contradictions inside the subset are errors, and then no ontology is returned.
 */
import type { OntologyDiagnostic } from '../errors.ts';
import { buildOntology } from './build.ts';
import type { OntologySpec } from './build.ts';
import { CompileContext } from './compile-context.ts';
import { ClassHierarchy } from './hierarchy.ts';
import { extractEventTypes } from './extract-event-types.ts';
import { extractHeader } from './extract-header.ts';
import { extractShapes } from './extract-shapes.ts';
import { collectDeclarations, extractClasses, extractProperties, reportUndeclaredSubjects } from './extract-terms.ts';
import type { CompiledOntology } from './model.ts';
import { TripleIndex } from './rdf-index.ts';
import { parseTurtle } from './turtle-parse.ts';
import type { LocatedTriple } from './turtle-parse.ts';

/** One Turtle document: `file` is how diagnostics name it (a path relative to the working directory is best). */
export interface OntologySource {
  readonly file: string;
  readonly text: string;
}

/** The outcome: an ontology when there are no errors; every diagnostic, sorted by file and line, either way. */
export interface CompileResult {
  readonly ontology?: CompiledOntology;
  readonly diagnostics: readonly OntologyDiagnostic[];
}

/** Compiles Turtle sources (a domain ontology, its other files and its imports) into one CompiledOntology. */
export function compileOntology(sources: readonly OntologySource[]): CompileResult {
  const files = sources.map((s) => s.file);
  const sortDiagnostics = (ds: OntologyDiagnostic[]): OntologyDiagnostic[] => sortByPlace(ds, files);
  const parsed = sources.map((s) => parseTurtle(s.file, s.text));
  const syntaxErrors = parsed.flatMap((p) => (p.error ? [p.error] : []));
  if (syntaxErrors.length) return { diagnostics: sortDiagnostics(syntaxErrors) };

  const prefixes: Record<string, string> = {};
  for (const p of parsed) for (const [k, v] of Object.entries(p.prefixes)) prefixes[k] ??= v;
  const triples: LocatedTriple[] = parsed.flatMap((p) => p.triples);
  const ctx = new CompileContext(new TripleIndex(triples), prefixes);

  collectDeclarations(ctx);
  const header = extractHeader(ctx, files);
  const classes = extractClasses(ctx);
  const { datatypeProperties, objectProperties } = extractProperties(ctx);
  const eventTypes = extractEventTypes(ctx);
  for (const [iri, ext] of ctx.externalClasses) {
    const name = iri.slice(Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/')) + 1);
    classes[name] = { iri, location: ext.location, superClasses: [], comment: `External class ${iri} (not declared in these files).` };
  }
  const hierarchy = new ClassHierarchy(Object.keys(classes), (n) => classes[n]?.superClasses ?? []);
  for (const name of hierarchy.cyclic()) {
    ctx.error(`rdfs:subClassOf cycle through ${name}; equivalent classes are not supported`, classes[name]?.location, name);
  }
  const isA = (c: string, d: string): boolean => hierarchy.isA(c, d);
  const domainOf = (p: string): readonly string[] => datatypeProperties[p]?.domain ?? objectProperties[p]?.domain ?? [];
  const shapes = extractShapes(ctx, isA, domainOf);
  reportUndeclaredSubjects(ctx);

  const spec: OntologySpec = {
    ...header,
    namespace: /[#/]$/.test(header.iri) ? header.iri : `${header.iri}#`,
    classes,
    datatypeProperties,
    objectProperties,
    shapes,
    eventTypes,
    prefixes,
    files,
  };
  crossCheck(ctx, spec, isA);

  const diagnostics = sortDiagnostics(ctx.diagnostics);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  return { ontology: buildOntology({ ...spec, diagnostics }), diagnostics };
}

/** Checks that need the whole spec: shape datatypes against ranges, event type properties against classes. */
function crossCheck(ctx: CompileContext, spec: OntologySpec, isA: (c: string, d: string) => boolean): void {
  for (const shape of Object.values(spec.shapes ?? {})) {
    for (const [prop, c] of Object.entries(shape.properties)) {
      const range = spec.datatypeProperties?.[prop]?.range;
      if (c.datatype && range && c.datatype !== range) {
        ctx.error(`sh:datatype of ${prop} is ${c.datatype} but its rdfs:range is ${range}`, c.location, prop);
      }
    }
  }
  for (const [name, e] of Object.entries(spec.eventTypes ?? {})) {
    const classes = [...e.asserts, ...(e.creates ?? []), ...(e.deletes ?? [])];
    const applies = (prop: string): boolean => {
      const domain = spec.datatypeProperties?.[prop]?.domain ?? spec.objectProperties?.[prop]?.domain ?? [];
      return domain.length === 0 || classes.some((c) => domain.some((d) => isA(c, d) || isA(d, c)));
    };
    for (const prop of [...(e.assertsProperties ?? []), ...(e.retracts ?? [])]) {
      if (!applies(prop)) ctx.error(`event type ${name} names property ${prop}, which none of its classes (${classes.join(', ')}) has`, e.location, name);
    }
    if (e.aggregate && !classes.some((c) => isA(c, e.aggregate as string) || isA(e.aggregate as string, c))) {
      ctx.error(`tg:aggregate ${e.aggregate} of event type ${name} is none of the classes it creates, asserts or deletes`, e.location, name);
    }
  }
}

function sortByPlace(ds: OntologyDiagnostic[], files: readonly string[]): OntologyDiagnostic[] {
  const rank = (d: OntologyDiagnostic): number => (d.location ? files.indexOf(d.location.file) : -1);
  return ds
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d) - rank(b.d) || (a.d.location?.line ?? 0) - (b.d.location?.line ?? 0) || a.i - b.i)
    .map(({ d }) => d);
}
