/**
 * Documentation of terms (rdfs:label, rdfs:comment, owl:deprecated) and the shared "outside the subset" warning.
 */
import type { Term } from '@rdfjs/types';
import type { CompileContext } from './compile-context.ts';
import type { LocatedTriple } from './turtle-parse.ts';
import { OWL, RDF, RDFS, isDocumentationPredicate } from './vocabulary.ts';

/** Label, comment and deprecation of a term, as OntologySpec wants them. */
export interface Docs {
  label?: string;
  comment?: string;
  deprecated?: string;
}

/** Texts in the preferred language: English or untagged first, else whatever there is. */
function preferred(triples: readonly LocatedTriple[]): string[] {
  const literals = triples.map((t) => t.object).filter((o) => o.termType === 'Literal');
  const english = literals.filter((o) => o.language === '' || o.language.toLowerCase().startsWith('en'));
  return (english.length ? english : literals).map((o) => o.value.trim()).filter((v) => v.length > 0);
}

/** Reads label, comment and deprecation of `subject`. */
export function readDocs(ctx: CompileContext, subject: Term): Docs {
  const out: Docs = {};
  const label = preferred(ctx.index.with(subject, RDFS.label))[0];
  if (label !== undefined) out.label = label;
  const comments = preferred(ctx.index.with(subject, RDFS.comment));
  if (comments.length) out.comment = comments.join('\n\n');
  const dep = ctx.index.with(subject, OWL.deprecated)[0]?.object;
  if (dep && dep.termType === 'Literal' && dep.value !== 'false' && dep.value !== '0') {
    out.deprecated = dep.value === 'true' || dep.value === '1' ? 'deprecated' : dep.value;
  }
  return out;
}

/** True when a statement only documents its subject (and is therefore not compiled, by design). */
export function isDocumentation(ctx: CompileContext, predicate: string): boolean {
  return (
    predicate === RDFS.label ||
    predicate === RDFS.comment ||
    predicate === OWL.deprecated ||
    isDocumentationPredicate(predicate) ||
    ctx.annotationProperties.has(predicate)
  );
}

/** A short description of an object for messages: blank nodes show their type or their first predicate. */
export function describeObject(ctx: CompileContext, object: Term): string {
  if (object.termType !== 'BlankNode') return ctx.short(object);
  const about = ctx.index.about(object);
  if (about.some((t) => t.predicate.value === RDF.first)) return '( … )';
  const type = about.find((t) => t.predicate.value === RDF.type);
  if (type) return `[ a ${ctx.short(type.object)} … ]`;
  const first = about[0];
  return first ? `[ ${ctx.short(first.predicate)} … ]` : '[]';
}

/** Warns that a statement is outside the supported subset and is dropped. */
export function unsupported(ctx: CompileContext, t: LocatedTriple, hint = ''): void {
  const subject = ctx.short(t.subject);
  ctx.warn(
    `"${subject} ${ctx.short(t.predicate)} ${describeObject(ctx, t.object)}" is outside the supported OWL/SHACL subset; dropped${hint ? ` (${hint})` : ''}`,
    t,
    subject,
  );
}
