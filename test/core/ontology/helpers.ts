/** Test helpers for the ontology compiler: Turtle snippets with prefixes, and line lookup by content. */
import assert from 'node:assert/strict';
import type { OntologyDiagnostic } from '../../../src/core/errors.ts';

export const PREFIXES = `@prefix rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix sh:   <http://www.w3.org/ns/shacl#> .
@prefix tg:   <https://trailgraph.dev/ns/tg#> .
@prefix ex:   <https://example.org/clinic#> .
`;

/** 1-based line of the first line of `text` containing `needle` (after `from` lines). Fails when absent. */
export function lineOf(text: string, needle: string, from = 0): number {
  const lines = text.split('\n');
  for (let i = from; i < lines.length; i++) if (lines[i]?.includes(needle)) return i + 1;
  assert.fail(`"${needle}" not found in the Turtle text`);
}

/** The single diagnostic whose message matches `pattern`. */
export function only(diagnostics: readonly OntologyDiagnostic[], pattern: RegExp): OntologyDiagnostic {
  const found = diagnostics.filter((d) => pattern.test(d.message));
  assert.equal(found.length, 1, `expected one diagnostic matching ${pattern}, got:\n${diagnostics.map((d) => `${d.location?.line}: ${d.message}`).join('\n')}`);
  return found[0] as OntologyDiagnostic;
}
