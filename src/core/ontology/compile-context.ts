/**
 * Shared state of one compilation: the triple index, the diagnostics, the name registry (one local name = one
 * IRI) and the resolution of class references, including classes of external vocabularies.
 */
import type { Term } from '@rdfjs/types';
import type { OntologyDiagnostic, SourceLocation } from '../errors.ts';
import { RESERVED_NAMES } from './model.ts';
import type { TripleIndex } from './rdf-index.ts';
import type { LocatedTriple } from './turtle-parse.ts';
import { OWL, RDFS, isVocabularyTerm, localName, namespaceOf } from './vocabulary.ts';

/** What kind of term an IRI was declared as. */
export type TermKind = 'class' | 'datatype' | 'object' | 'eventType';

/** A term declared in the sources (has an rdf:type the compiler understands). */
export interface Declaration {
  readonly iri: string;
  readonly name: string;
  readonly kind: TermKind;
  readonly subject: Term;
  readonly location: SourceLocation;
}

/** GraphQL-compatible names: the local name is used verbatim as label, key and API name. */
const VALID_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

export function locationOf(t: LocatedTriple): SourceLocation {
  return { file: t.file, line: t.line };
}

export class CompileContext {
  readonly diagnostics: OntologyDiagnostic[] = [];
  /** Declared terms by IRI. */
  readonly declared = new Map<string, Declaration>();
  /** Local name → IRI, for declared and accepted external terms. */
  private readonly names = new Map<string, string>();
  /** External classes accepted as declared (referenced but defined in another vocabulary). */
  readonly externalClasses = new Map<string, { iri: string; location: SourceLocation }>();
  private readonly rejectedExternal = new Set<string>();
  /** Annotation properties declared in the sources: their use only documents a term. */
  readonly annotationProperties = new Set<string>();
  /**
   * Namespaces the sources declare classes in: an undeclared class there is a broken reference (a typo). A namespace
   * where they only declare properties is another vocabulary's (DCAT declares `foaf:homepage`), whose classes are
   * accepted as external.
   */
  private readonly ownNamespaces = new Set<string>();

  constructor(
    readonly index: TripleIndex,
    private readonly prefixes: Readonly<Record<string, string>>,
  ) {}

  warn(message: string, at: LocatedTriple | SourceLocation | undefined, term?: string): void {
    this.push('warning', message, at, term);
  }

  error(message: string, at: LocatedTriple | SourceLocation | undefined, term?: string): void {
    this.push('error', message, at, term);
  }

  private push(severity: 'error' | 'warning', message: string, at: LocatedTriple | SourceLocation | undefined, term?: string): void {
    const location = at && ('subject' in at ? locationOf(at) : at);
    this.diagnostics.push({ severity, message, ...(term !== undefined && { term }), ...(location && { location }) });
  }

  /** A readable form of an IRI: `prefix:local` when a declared prefix covers it, else `<iri>`. */
  short(term: Term | string): string {
    const iri = typeof term === 'string' ? term : term.value;
    if (typeof term !== 'string' && term.termType === 'BlankNode') return '[] (blank node)';
    if (typeof term !== 'string' && term.termType === 'Literal') return JSON.stringify(term.value);
    let best: string | undefined;
    let bestLength = 0;
    for (const [prefix, ns] of Object.entries(this.prefixes)) {
      if (ns && iri.startsWith(ns) && ns.length > bestLength && VALID_NAME.test(iri.slice(ns.length) || '_')) {
        best = `${prefix}:${iri.slice(ns.length)}`;
        bestLength = ns.length;
      }
    }
    return best ?? `<${iri}>`;
  }

  /**
   * Registers a declared term; reports reserved names, invalid names, double declarations and collisions.
   * Returns false when the term must be dropped.
   */
  declare(iri: string, kind: TermKind, subject: Term, at: LocatedTriple): boolean {
    const name = localName(iri);
    const prior = this.declared.get(iri);
    if (prior) {
      if (prior.kind !== kind) {
        this.error(`${this.short(iri)} is declared both as ${describe(prior.kind)} (line ${prior.location.line}) and as ${describe(kind)}`, at, this.short(iri));
      }
      return false;
    }
    if (!VALID_NAME.test(name)) {
      this.error(`local name "${name}" is not usable as a graph label and GraphQL name (letters, digits and _ only, not starting with a digit)`, at, this.short(iri));
      return false;
    }
    if (RESERVED_NAMES.has(name)) {
      this.error(`local name "${name}" is reserved by trailgraph (it names graph or API machinery); rename the term`, at, this.short(iri));
      return false;
    }
    const holder = this.names.get(name);
    if (holder && holder !== iri) {
      const other = this.declared.get(holder);
      const where = other ? ` (${other.location.file}:${other.location.line})` : '';
      this.error(`local name "${name}" is used by two IRIs: ${this.short(holder)}${where} and ${this.short(iri)}; one name must mean one term`, at, this.short(iri));
      return false;
    }
    this.names.set(name, iri);
    if (kind === 'class') this.ownNamespaces.add(namespaceOf(iri));
    this.declared.set(iri, { iri, name, kind, subject, location: locationOf(at) });
    return true;
  }

  /**
   * Resolves a reference to a class (superclass, domain, range, shape target, event type class).
   * Returns the class name; `null` for owl:Thing / rdfs:Resource (= any class); undefined when unresolved
   * (a diagnostic has been reported).
   */
  classRef(term: Term, at: LocatedTriple, role: string): string | null | undefined {
    if (term.termType !== 'NamedNode') return undefined;
    const iri = term.value;
    if (iri === OWL.Thing || iri === RDFS.Resource) return null;
    const decl = this.declared.get(iri);
    if (decl) {
      if (decl.kind === 'class') return decl.name;
      this.error(`${role} ${this.short(iri)} is ${describe(decl.kind)}, not a class`, at, this.short(iri));
      return undefined;
    }
    const external = this.externalClasses.get(iri);
    if (external) return localName(iri);
    if (this.ownNamespaces.has(namespaceOf(iri)) || isVocabularyTerm(iri)) {
      this.error(`${role} ${this.short(iri)} is not a declared class; declare it with "a owl:Class" or fix the name`, at, this.short(iri));
      return undefined;
    }
    if (this.rejectedExternal.has(iri)) return undefined;
    const name = localName(iri);
    const holder = this.names.get(name);
    if (!VALID_NAME.test(name) || RESERVED_NAMES.has(name) || (holder && holder !== iri)) {
      this.rejectedExternal.add(iri);
      const why = holder ? `its local name "${name}" is already ${this.short(holder)}` : `"${name}" is not a usable name`;
      this.warn(`external class ${this.short(iri)} dropped: ${why}`, at, this.short(iri));
      return undefined;
    }
    this.names.set(name, iri);
    this.externalClasses.set(iri, { iri, location: locationOf(at) });
    this.warn(`${this.short(iri)} is not declared in these files (external vocabulary); treated as a class without properties`, at, this.short(iri));
    return name;
  }

  /** Resolves a reference to a declared property; reports an error otherwise. */
  propertyRef(term: Term, at: LocatedTriple, role: string): Declaration | undefined {
    const decl = term.termType === 'NamedNode' ? this.declared.get(term.value) : undefined;
    if (decl && (decl.kind === 'datatype' || decl.kind === 'object')) return decl;
    const what = decl ? ` (it is ${describe(decl.kind)})` : '';
    this.error(`${role} ${this.short(term)} is not a declared property${what}`, at, this.short(term));
    return undefined;
  }

  /** True when `name` is a registered local name of a term other than `iri`. */
  nameTakenByOther(name: string, iri: string): string | undefined {
    const holder = this.names.get(name);
    return holder && holder !== iri ? holder : undefined;
  }
}

export function describe(kind: TermKind): string {
  return { class: 'a class', datatype: 'a datatype property', object: 'an object property', eventType: 'an event type' }[kind];
}
