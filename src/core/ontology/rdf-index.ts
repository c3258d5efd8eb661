/**
 * A read-only index over the located triples of every source file: statements by subject, the objects of one
 * predicate, RDF lists. The extractors ask it questions instead of scanning triples themselves.
 */
import type { Term } from '@rdfjs/types';
import type { LocatedTriple } from './turtle-parse.ts';
import { RDF } from './vocabulary.ts';

/** A stable key for a subject/object term: the IRI, or `_:` + the blank node id. */
export function termKey(term: Term): string {
  return term.termType === 'BlankNode' ? `_:${term.value}` : term.value;
}

/** Result of reading an RDF list: its items, or the triple where it stopped being a well-formed list. */
export interface ListRead {
  readonly items: readonly Term[];
  readonly ok: boolean;
}

export class TripleIndex {
  private readonly bySubject = new Map<string, LocatedTriple[]>();
  private readonly objectKeys = new Set<string>();
  /** Subjects in first-seen order (source order). */
  readonly subjects: Term[] = [];

  constructor(triples: Iterable<LocatedTriple>) {
    for (const t of triples) {
      const key = termKey(t.subject);
      let list = this.bySubject.get(key);
      if (!list) {
        list = [];
        this.bySubject.set(key, list);
        this.subjects.push(t.subject);
      }
      list.push(t);
      if (t.object.termType !== 'Literal') this.objectKeys.add(termKey(t.object));
    }
  }

  /** Every statement about `subject`, in source order. */
  about(subject: Term): readonly LocatedTriple[] {
    return this.bySubject.get(termKey(subject)) ?? [];
  }

  /** Statements about `subject` with `predicate`. */
  with(subject: Term, predicate: string): LocatedTriple[] {
    return this.about(subject).filter((t) => t.predicate.value === predicate);
  }

  /** The `rdf:type` IRIs of `subject`. */
  types(subject: Term): string[] {
    return this.with(subject, RDF.type).map((t) => t.object.value);
  }

  /** True when some triple has `term` as its object (a nested blank node, a referenced IRI). */
  isReferenced(term: Term): boolean {
    return this.objectKeys.has(termKey(term));
  }

  /** Reads an RDF list starting at `head` (a blank node or `rdf:nil`). */
  list(head: Term): ListRead {
    const items: Term[] = [];
    const seen = new Set<string>();
    let node = head;
    while (!(node.termType === 'NamedNode' && node.value === RDF.nil)) {
      const key = termKey(node);
      if (node.termType !== 'BlankNode' || seen.has(key)) return { items, ok: false };
      seen.add(key);
      const first = this.with(node, RDF.first)[0];
      const rest = this.with(node, RDF.rest)[0];
      if (!first || !rest) return { items, ok: false };
      items.push(first.object);
      node = rest.object;
    }
    return { items, ok: true };
  }
}
