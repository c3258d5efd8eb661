/**
 * The ontology header: which `owl:Ontology` is the one being compiled (the root: not imported by another source),
 * its version, version IRI and docs, and which `owl:imports` no source satisfies.
 */
import type { CompileContext } from './compile-context.ts';
import { readDocs, isDocumentation, unsupported } from './extract-docs.ts';
import type { LocatedTriple } from './turtle-parse.ts';
import { OWL, RDF, TG_ONTOLOGY_IRI, WELL_KNOWN_ONTOLOGIES } from './vocabulary.ts';

/** The compiled ontology's identity. */
export interface Header {
  iri: string;
  version: string;
  versionIri?: string;
  label?: string;
  comment?: string;
}

/** Ontology IRIs match with or without a trailing `#` or `/`. */
export function sameOntology(a: string, b: string): boolean {
  const norm = (s: string): string => s.replace(/[#/]+$/, '');
  return norm(a) === norm(b);
}

const HEADER_PREDICATES: ReadonlySet<string> = new Set([RDF.type, OWL.versionInfo, OWL.versionIRI, OWL.imports]);

export function extractHeader(ctx: CompileContext, files: readonly string[]): Header {
  const ontologies = ctx.index.subjects.filter((s) => s.termType === 'NamedNode' && ctx.index.types(s).includes(OWL.Ontology));
  const imports: LocatedTriple[] = ontologies.flatMap((o) => ctx.index.with(o, OWL.imports));
  const imported = (iri: string): boolean => imports.some((t) => sameOntology(t.object.value, iri));

  for (const t of imports) {
    const target = t.object.value;
    if (WELL_KNOWN_ONTOLOGIES.has(target.replace(/[#/]+$/, '')) || ontologies.some((o) => sameOntology(o.value, target))) continue;
    const hint = sameOntology(target, TG_ONTOLOGY_IRI) ? ' (load ontology/trailgraph.ttl with it)' : '';
    ctx.warn(`owl:imports ${ctx.short(t.object)} is not among the loaded files; its terms are unknown here${hint}`, t, ctx.short(t.object));
  }
  for (const o of ontologies) {
    for (const t of ctx.index.about(o)) {
      if (!HEADER_PREDICATES.has(t.predicate.value) && !isDocumentation(ctx, t.predicate.value)) unsupported(ctx, t);
    }
  }

  const roots = ontologies.filter((o) => !imported(o.value));
  const withVersion = roots.filter((o) => ctx.index.with(o, OWL.versionInfo).length > 0);
  const root = withVersion[0] ?? roots[0] ?? ontologies[0];
  if (!root) {
    ctx.warn(`no owl:Ontology is declared; the ontology is anonymous, version 0.0.0`, { file: files[0] ?? '<none>', line: 1 });
    return { iri: 'urn:trailgraph:anonymous', version: '0.0.0' };
  }
  if (withVersion.length > 1 && withVersion[1]) {
    const other = ctx.index.with(withVersion[1], OWL.versionInfo)[0];
    ctx.warn(`several versioned ontologies are loaded and none imports the other; compiling ${ctx.short(root)}`, other, ctx.short(withVersion[1]));
  }
  const versionTriple = ctx.index.with(root, OWL.versionInfo)[0];
  const versionIriTriple = ctx.index.with(root, OWL.versionIRI)[0];
  if (!versionTriple) {
    const at = ctx.index.with(root, RDF.type)[0];
    ctx.warn(`ontology ${ctx.short(root)} has no owl:versionInfo; version 0.0.0`, at, ctx.short(root));
  }
  const docs = readDocs(ctx, root);
  return {
    iri: root.value,
    version: versionTriple?.object.value ?? '0.0.0',
    ...(versionIriTriple && { versionIri: versionIriTriple.object.value }),
    ...(docs.label !== undefined && { label: docs.label }),
    ...(docs.comment !== undefined && { comment: docs.comment }),
  };
}
