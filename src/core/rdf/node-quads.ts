/**
 * A node of the graph as RDF: its classes and datatype properties under the ontology's IRIs, its outgoing
 * relationships as object-property triples, and its provenance as PROV-O — the node `prov:wasGeneratedBy` the
 * event that last wrote it and `prov:wasAttributedTo` that event's agent; the event is a `prov:Activity`
 * `prov:wasAssociatedWith` the agent. Pure: the caller reads the store and writes the quads out.
 */
import { DataFactory } from 'n3';
import type { Literal, NamedNode, Quad } from '@rdfjs/types';
import type { CompiledOntology } from '../ontology/model.ts';
import { NS, RDF } from '../ontology/vocabulary.ts';
import type { Scalar } from '../projection/change-set.ts';
import type { RecordProvenance } from '../store/records.ts';
import { isAbsoluteUri, isRfc3339 } from '../events/uri.ts';
import { DCTERMS, DEFAULT_IRI_SCHEME, type IriScheme, PROV, TG_RDF } from './vocabulary.ts';

const { namedNode, literal, quad } = DataFactory;

/** What RDF export needs of one node: the record and the targets of its outgoing relationships. */
export interface NodeDescription {
  readonly id: string;
  readonly class: string;
  readonly labels: readonly string[];
  readonly properties: Readonly<Record<string, Scalar | readonly Scalar[]>>;
  readonly provenance: Pick<RecordProvenance, 'eventId' | 'source' | 'time' | 'seq'>;
  /** Outgoing relationships: type (an object property name) and target node id. */
  readonly outgoing: readonly { readonly type: string; readonly to: string }[];
}

/** IRI of the node with id `id`. */
export function nodeIri(id: string, scheme: IriScheme = DEFAULT_IRI_SCHEME): string {
  return scheme.nodeBase + encodeURIComponent(id);
}

/** IRI of the event (source, eventId): the idempotency key, so two producers' equal ids stay apart. */
export function eventIri(source: string, eventId: string, scheme: IriScheme = DEFAULT_IRI_SCHEME): string {
  return `${scheme.eventBase}${encodeURIComponent(source)}/${encodeURIComponent(eventId)}`;
}

/** IRI of an agent: its `source` when that is an absolute URI (`agent://intake`), else a `urn:trailgraph:agent:` IRI. */
export function agentIri(source: string): string {
  return isAbsoluteUri(source) ? source : `urn:trailgraph:agent:${encodeURIComponent(source)}`;
}

/** Fallback IRI for a stored property the ontology does not declare (e.g. left behind by a migration). */
const undeclared = (name: string): string => `urn:trailgraph:property:${encodeURIComponent(name)}`;

/** xsd:decimal has no exponent form: numbers JS would print as `1e-7` are written out in full. */
function decimalLexical(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(20).replace(/\.?0+$/, '');
}

/** A stored value as a literal of the property's declared xsd datatype. */
export function valueLiteral(value: Scalar, xsd: string | undefined): Literal {
  // rdf:langString needs a language tag the graph does not keep: such values go out as plain strings.
  const type = xsd === undefined || xsd === 'langString' || xsd === 'string' ? undefined : xsd;
  if (type === undefined) return literal(String(value));
  const lexical = typeof value === 'number' && type === 'decimal' ? decimalLexical(value) : String(value);
  return literal(lexical, namedNode(NS.xsd + type));
}

function iriOfTerm(ontology: CompiledOntology, name: string, kind: 'class' | 'property'): string | undefined {
  return kind === 'class' ? ontology.classes.get(name)?.iri : ontology.properties.get(name)?.iri;
}

/** The quads that describe one node (not its event or agent: see provenanceQuads). */
export function nodeQuads(node: NodeDescription, ontology: CompiledOntology, scheme: IriScheme = DEFAULT_IRI_SCHEME): Quad[] {
  const s = namedNode(nodeIri(node.id, scheme));
  const out: Quad[] = [];
  const rdfType = namedNode(RDF.type);
  // Every label, not just the most specific class: a SHACL shape targeting Practitioner then finds a Specialist
  // without the ontology's rdfs:subClassOf triples beside the data.
  for (const label of node.labels) {
    const iri = iriOfTerm(ontology, label, 'class');
    if (iri) out.push(quad(s, rdfType, namedNode(iri)));
  }
  for (const [key, value] of Object.entries(node.properties)) {
    const def = ontology.properties.get(key);
    const p = namedNode(def?.iri ?? undeclared(key));
    const xsd = def?.kind === 'datatype' ? def.xsd : undefined;
    for (const v of Array.isArray(value) ? (value as readonly Scalar[]) : [value as Scalar]) out.push(quad(s, p, valueLiteral(v, xsd)));
  }
  for (const rel of node.outgoing) {
    const iri = iriOfTerm(ontology, rel.type, 'property') ?? undeclared(rel.type);
    out.push(quad(s, namedNode(iri), namedNode(nodeIri(rel.to, scheme))));
  }
  const prov = node.provenance;
  out.push(quad(s, namedNode(PROV.wasGeneratedBy), namedNode(eventIri(prov.source, prov.eventId, scheme))));
  out.push(quad(s, namedNode(PROV.wasAttributedTo), namedNode(agentIri(prov.source))));
  return out;
}

/** The event that last wrote a node, as a prov:Activity, and its agent, as a prov:Agent. */
export function provenanceQuads(prov: NodeDescription['provenance'], scheme: IriScheme = DEFAULT_IRI_SCHEME): { event: Quad[]; agent: Quad[] } {
  const e = namedNode(eventIri(prov.source, prov.eventId, scheme));
  const a = namedNode(agentIri(prov.source));
  const rdfType = namedNode(RDF.type);
  const time: Literal = isRfc3339(prov.time) ? literal(prov.time, namedNode(`${NS.xsd}dateTime`)) : literal(prov.time);
  return {
    event: [
      quad(e, rdfType, namedNode(PROV.Activity)),
      quad(e, namedNode(PROV.wasAssociatedWith), a),
      quad(e, namedNode(PROV.endedAtTime), time),
      quad(e, namedNode(DCTERMS.identifier), literal(prov.eventId)),
      quad(e, namedNode(TG_RDF.seq), literal(String(prov.seq), namedNode(`${NS.xsd}integer`))),
    ],
    agent: [quad(a, rdfType, namedNode(PROV.Agent))],
  };
}

/** The ontology's prefixes plus the export's own (rdf, xsd, prov, dcterms, tg); the ontology's win on a clash. */
export function exportPrefixes(ontology: CompiledOntology, extra: Readonly<Record<string, string>>): Record<string, string> {
  return { ...extra, ...ontology.prefixes };
}

export type { NamedNode };
