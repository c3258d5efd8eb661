/**
 * JSON-LD 1.1 for export, written object by object so a whole graph streams out as one `@graph` array: a context of
 * the prefixes, and one node object per subject. Keys and `@type`s are compacted with the prefixes (`ref:name`);
 * `@id`s stay full IRIs so no id can be mistaken for a compact IRI. Pure.
 */
import type { Quad, Term } from '@rdfjs/types';
import { NS, RDF } from '../ontology/vocabulary.ts';

/** The `@context` of an export: one term per prefix. */
export function jsonLdContext(prefixes: Readonly<Record<string, string>>): Record<string, string> {
  const ctx: Record<string, string> = {};
  for (const [p, iri] of Object.entries(prefixes)) if (/^[A-Za-z][A-Za-z0-9_-]*$/.test(p)) ctx[p] = iri;
  return ctx;
}

/** `iri` as `prefix:local` when a prefix covers it with a plain local name, else the full IRI. */
export function compactIri(iri: string, prefixes: Readonly<Record<string, string>>): string {
  let best: [string, string] | undefined;
  for (const [p, ns] of Object.entries(prefixes)) {
    if (!iri.startsWith(ns) || (best && best[1].length >= ns.length)) continue;
    const local = iri.slice(ns.length);
    if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(local)) best = [p, ns];
  }
  return best ? `${best[0]}:${iri.slice(best[1].length)}` : iri;
}

type JsonValue = { '@id': string } | { '@value': string; '@type'?: string };

function value(term: Term, prefixes: Readonly<Record<string, string>>): JsonValue {
  if (term.termType !== 'Literal') return { '@id': term.value };
  const dt = term.datatype.value;
  return dt === `${NS.xsd}string` ? { '@value': term.value } : { '@value': term.value, '@type': compactIri(dt, prefixes) };
}

/** One node object for the quads of one subject (all quads must share it). */
export function jsonLdNode(subject: string, quads: readonly Quad[], prefixes: Readonly<Record<string, string>>): Record<string, unknown> {
  const obj: Record<string, unknown> = { '@id': subject };
  const types: string[] = [];
  const props = new Map<string, JsonValue[]>();
  for (const q of quads) {
    if (q.predicate.value === RDF.type && q.object.termType === 'NamedNode') {
      types.push(compactIri(q.object.value, prefixes));
      continue;
    }
    const key = compactIri(q.predicate.value, prefixes);
    let list = props.get(key);
    if (!list) props.set(key, (list = []));
    list.push(value(q.object, prefixes));
  }
  if (types.length) obj['@type'] = types;
  for (const [k, v] of props) obj[k] = v;
  return obj;
}
