/**
 * Every IRI the ontology compiler knows, in one module (as N3.js does): RDF, RDFS, OWL, XSD, SHACL and the
 * trailgraph vocabulary `tg:` (documented in `ontology/trailgraph.ttl`).
 */

/** Namespace IRIs. */
export const NS = Object.freeze({
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  owl: 'http://www.w3.org/2002/07/owl#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  sh: 'http://www.w3.org/ns/shacl#',
  tg: 'https://trailgraph.dev/ns/tg#',
});

/** The ontology IRI of the trailgraph vocabulary (what a domain ontology `owl:imports`). */
export const TG_ONTOLOGY_IRI = 'https://trailgraph.dev/ns/tg';

export const RDF = Object.freeze({
  type: `${NS.rdf}type`,
  first: `${NS.rdf}first`,
  rest: `${NS.rdf}rest`,
  nil: `${NS.rdf}nil`,
  Property: `${NS.rdf}Property`,
  langString: `${NS.rdf}langString`,
});

export const RDFS = Object.freeze({
  Class: `${NS.rdfs}Class`,
  subClassOf: `${NS.rdfs}subClassOf`,
  subPropertyOf: `${NS.rdfs}subPropertyOf`,
  domain: `${NS.rdfs}domain`,
  range: `${NS.rdfs}range`,
  label: `${NS.rdfs}label`,
  comment: `${NS.rdfs}comment`,
  Literal: `${NS.rdfs}Literal`,
  Resource: `${NS.rdfs}Resource`,
  seeAlso: `${NS.rdfs}seeAlso`,
  isDefinedBy: `${NS.rdfs}isDefinedBy`,
});

export const OWL = Object.freeze({
  Ontology: `${NS.owl}Ontology`,
  Class: `${NS.owl}Class`,
  Thing: `${NS.owl}Thing`,
  ObjectProperty: `${NS.owl}ObjectProperty`,
  DatatypeProperty: `${NS.owl}DatatypeProperty`,
  AnnotationProperty: `${NS.owl}AnnotationProperty`,
  FunctionalProperty: `${NS.owl}FunctionalProperty`,
  NamedIndividual: `${NS.owl}NamedIndividual`,
  inverseOf: `${NS.owl}inverseOf`,
  unionOf: `${NS.owl}unionOf`,
  versionInfo: `${NS.owl}versionInfo`,
  versionIRI: `${NS.owl}versionIRI`,
  priorVersion: `${NS.owl}priorVersion`,
  backwardCompatibleWith: `${NS.owl}backwardCompatibleWith`,
  incompatibleWith: `${NS.owl}incompatibleWith`,
  imports: `${NS.owl}imports`,
  deprecated: `${NS.owl}deprecated`,
});

export const XSD = Object.freeze({
  string: `${NS.xsd}string`,
  integer: `${NS.xsd}integer`,
  boolean: `${NS.xsd}boolean`,
});

export const SH = Object.freeze({
  NodeShape: `${NS.sh}NodeShape`,
  targetClass: `${NS.sh}targetClass`,
  property: `${NS.sh}property`,
  path: `${NS.sh}path`,
  minCount: `${NS.sh}minCount`,
  maxCount: `${NS.sh}maxCount`,
  in: `${NS.sh}in`,
  pattern: `${NS.sh}pattern`,
  datatype: `${NS.sh}datatype`,
  minLength: `${NS.sh}minLength`,
  maxLength: `${NS.sh}maxLength`,
  minInclusive: `${NS.sh}minInclusive`,
  maxInclusive: `${NS.sh}maxInclusive`,
  // Documentation of a property shape: read for nothing, dropped silently.
  name: `${NS.sh}name`,
  description: `${NS.sh}description`,
  message: `${NS.sh}message`,
  order: `${NS.sh}order`,
  group: `${NS.sh}group`,
  severity: `${NS.sh}severity`,
});

export const TG = Object.freeze({
  EventType: `${NS.tg}EventType`,
  creates: `${NS.tg}creates`,
  asserts: `${NS.tg}asserts`,
  assertsProperty: `${NS.tg}assertsProperty`,
  retracts: `${NS.tg}retracts`,
  deletes: `${NS.tg}deletes`,
  aggregate: `${NS.tg}aggregate`,
  searchable: `${NS.tg}searchable`,
});

/**
 * Namespaces whose terms are machinery, not domain terms: declarations of them (e.g. `trailgraph.ttl` declaring
 * `tg:creates`, PROV-O re-declaring `rdfs:label`) are read as vocabulary, never compiled into classes.
 */
export const VOCABULARY_NAMESPACES: readonly string[] = Object.values(NS);

/** Ontologies an `owl:imports` may name without a local file: the standard vocabularies this compiler knows. */
export const WELL_KNOWN_ONTOLOGIES: ReadonlySet<string> = new Set([
  'http://www.w3.org/1999/02/22-rdf-syntax-ns',
  'http://www.w3.org/2000/01/rdf-schema',
  'http://www.w3.org/2002/07/owl',
  'http://www.w3.org/2001/XMLSchema',
  'http://www.w3.org/ns/shacl',
]);

/**
 * Predicates that only document a term (labels in other vocabularies, provenance of the file): accepted and not
 * compiled. Matched by namespace prefix.
 */
export const DOCUMENTATION_NAMESPACES: readonly string[] = [
  'http://purl.org/dc/terms/',
  'http://purl.org/dc/elements/1.1/',
  'http://www.w3.org/2004/02/skos/core#',
  'http://purl.org/vocab/vann/',
  'http://xmlns.com/foaf/0.1/',
  'http://schema.org/',
  'https://schema.org/',
];

/** Predicates that document a term and are accepted anywhere, beside rdfs:label/comment. */
export const DOCUMENTATION_PREDICATES: ReadonlySet<string> = new Set([
  RDFS.seeAlso,
  RDFS.isDefinedBy,
  OWL.priorVersion,
  OWL.backwardCompatibleWith,
  OWL.incompatibleWith,
  SH.name,
  SH.description,
  SH.message,
  SH.order,
  SH.group,
]);

/** The namespace part of an IRI: everything up to and including the last `#` or `/`. */
export function namespaceOf(iri: string): string {
  const cut = Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/'));
  return cut === -1 ? iri : iri.slice(0, cut + 1);
}

/** The local name of an IRI: what follows the last `#` or `/` (or `:` for URNs). */
export function localName(iri: string): string {
  const cut = Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/'));
  if (cut !== -1) return iri.slice(cut + 1);
  return iri.slice(iri.lastIndexOf(':') + 1);
}

/** True when the IRI belongs to one of the machinery namespaces (rdf, rdfs, owl, xsd, sh, tg). */
export function isVocabularyTerm(iri: string): boolean {
  return VOCABULARY_NAMESPACES.some((ns) => iri.startsWith(ns));
}

/** True when the predicate only documents its subject. */
export function isDocumentationPredicate(iri: string): boolean {
  return DOCUMENTATION_PREDICATES.has(iri) || DOCUMENTATION_NAMESPACES.some((ns) => iri.startsWith(ns));
}
