/**
 * The IRIs RDF export writes besides the ontology's own terms: PROV-O for provenance, Dublin Core for event ids,
 * and the default IRI schemes for nodes, events and agents that have no IRI of their own. One module, as N3.js keeps
 * its vocabulary.
 */
import { NS } from '../ontology/vocabulary.ts';

/** PROV-O (https://www.w3.org/TR/prov-o/): how a node came to be. */
export const PROV = Object.freeze({
  ns: 'http://www.w3.org/ns/prov#',
  Activity: 'http://www.w3.org/ns/prov#Activity',
  Agent: 'http://www.w3.org/ns/prov#Agent',
  wasGeneratedBy: 'http://www.w3.org/ns/prov#wasGeneratedBy',
  wasAttributedTo: 'http://www.w3.org/ns/prov#wasAttributedTo',
  wasAssociatedWith: 'http://www.w3.org/ns/prov#wasAssociatedWith',
  generatedAtTime: 'http://www.w3.org/ns/prov#generatedAtTime',
  endedAtTime: 'http://www.w3.org/ns/prov#endedAtTime',
});

/** Dublin Core terms: the CloudEvent `id` of an event. */
export const DCTERMS = Object.freeze({
  ns: 'http://purl.org/dc/terms/',
  identifier: 'http://purl.org/dc/terms/identifier',
});

/** The trailgraph terms export adds: the ledger seq of an event. */
export const TG_RDF = Object.freeze({
  seq: `${NS.tg}seq`,
});

/**
 * Where IRIs for things without one come from. Node ids are local to a graph, so a node's IRI is `nodeBase` +
 * its percent-encoded id; an event is identified by (source, id), so its IRI encodes both.
 */
export interface IriScheme {
  /** Prefix of node IRIs; default `urn:trailgraph:node:`. */
  readonly nodeBase: string;
  /** Prefix of event IRIs; default `urn:trailgraph:event:`. */
  readonly eventBase: string;
}

export const DEFAULT_IRI_SCHEME: IriScheme = Object.freeze({ nodeBase: 'urn:trailgraph:node:', eventBase: 'urn:trailgraph:event:' });

/** The prefixes every export declares, beside the ontology's. */
export const EXPORT_PREFIXES: Readonly<Record<string, string>> = Object.freeze({
  rdf: NS.rdf,
  xsd: NS.xsd,
  prov: PROV.ns,
  dcterms: DCTERMS.ns,
  tg: NS.tg,
});
