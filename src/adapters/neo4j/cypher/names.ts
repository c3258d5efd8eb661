/**
 * Ontology names as Cypher identifiers. Labels, relationship types and property keys cannot be parameters in
 * Cypher 5, so they are the one thing a builder writes into the text: only names the ontology declares, matching a
 * strict identifier pattern, always backtick-quoted.
 */
import type { CompiledOntology } from '../../../core/ontology/model.ts';
import { ANY_CLASS } from '../../../core/projection/planner.ts';
import { INTERNAL_LABELS, INTERNAL_REL_TYPES, NODE_LABEL } from './statement.ts';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Backtick-quotes an identifier already checked against IDENT (which excludes backticks). */
export function q(name: string): string {
  if (!IDENT.test(name)) throw new RangeError(`"${name}" is not a valid graph name`);
  return `\`${name}\``;
}

/** A class name declared by the ontology, quoted. */
export function classLabel(ontology: CompiledOntology, name: string): string {
  if (!ontology.classes.has(name)) throw new RangeError(`"${name}" is not a class of ontology ${ontology.version}`);
  return q(name);
}

/** An object property (relationship type) declared by the ontology, quoted. */
export function relType(ontology: CompiledOntology, name: string): string {
  if (ontology.properties.get(name)?.kind !== 'object') throw new RangeError(`"${name}" is not an object property of ontology ${ontology.version}`);
  return q(name);
}

/** A datatype property declared by the ontology, quoted. */
export function propertyKey(ontology: CompiledOntology, name: string): string {
  if (ontology.properties.get(name)?.kind !== 'datatype') {
    throw new RangeError(`"${name}" is not a datatype property of ontology ${ontology.version}; use one of its datatype properties or id`);
  }
  return q(name);
}

/** `n:`A`:`B`` label expression for a node of `labels` (each an ontology class) plus the machinery label. */
export function labelExpr(ontology: CompiledOntology, labels: readonly string[]): string {
  // A node of any class (a relationship target whose property has no range) has no class label.
  return [`:${NODE_LABEL}`, ...labels.filter((l) => l !== ANY_CLASS).map((l) => `:${classLabel(ontology, l)}`)].join('');
}

/** Names the ontology may not use because the adapter's bookkeeping owns them. */
export function reservedNameClashes(ontology: CompiledOntology): string[] {
  const clashes: string[] = [];
  for (const c of ontology.classes.keys()) if ((INTERNAL_LABELS as readonly string[]).includes(c)) clashes.push(c);
  for (const [name, p] of ontology.properties) {
    if (p.kind === 'object' && (INTERNAL_REL_TYPES as readonly string[]).includes(name)) clashes.push(name);
    if (name.startsWith('_')) clashes.push(name);
  }
  return clashes;
}
