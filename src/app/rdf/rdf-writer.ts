/**
 * Serialises node descriptions as Turtle, N-Triples, N-Quads (n3's Writer) or JSON-LD (core/rdf/jsonld.ts),
 * written to a text sink as they come, so a whole-graph export never holds more than one page. The event and agent
 * of each node's provenance are described once; a bounded memory of the ones already written keeps repeats rare
 * without growing with the graph (a repeat is harmless: RDF graphs are sets).
 */
import { Writer } from 'n3';
import type { Quad } from '@rdfjs/types';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import { jsonLdContext, jsonLdNode } from '../../core/rdf/jsonld.ts';
import { exportPrefixes, type NodeDescription, nodeIri, nodeQuads, provenanceQuads } from '../../core/rdf/node-quads.ts';
import { DEFAULT_IRI_SCHEME, EXPORT_PREFIXES, type IriScheme } from '../../core/rdf/vocabulary.ts';

/** The formats export writes. */
export const RDF_FORMATS = ['turtle', 'ntriples', 'nquads', 'jsonld'] as const;
export type RdfFormat = (typeof RDF_FORMATS)[number];

/** Media type of each format. */
export const RDF_MEDIA_TYPES: Readonly<Record<RdfFormat, string>> = Object.freeze({
  turtle: 'text/turtle',
  ntriples: 'application/n-triples',
  nquads: 'application/n-quads',
  jsonld: 'application/ld+json',
});

/** Where text goes: a stream, a response body, a string. */
export interface TextSink {
  write(text: string): void;
  /** Resolves when the sink can take more (a stream's 'drain'); awaited between pages. */
  ready?(): Promise<void>;
}

/** Writes descriptions page by page; `end` closes the document. */
export interface RdfWriter {
  write(page: readonly NodeDescription[]): Promise<void>;
  end(): Promise<void>;
}

export interface RdfWriterOptions {
  readonly scheme?: IriScheme;
  /** How many event / agent IRIs are remembered as written (default 100,000). */
  readonly rememberedProvenance?: number;
}

/** A set that forgets its oldest members past `limit`. */
class BoundedSet {
  private readonly items = new Set<string>();
  constructor(private readonly limit: number) {}
  /** True when `key` was not there (and now is). */
  add(key: string): boolean {
    if (this.items.has(key)) return false;
    this.items.add(key);
    if (this.items.size > this.limit) {
      const oldest = this.items.values().next();
      if (!oldest.done) this.items.delete(oldest.value);
    }
    return true;
  }
}

/** The quads of one page of nodes, grouped by subject (node, then its event and agent when not written yet). */
function pageGroups(page: readonly NodeDescription[], ontology: CompiledOntology, scheme: IriScheme, seen: BoundedSet): [string, Quad[]][] {
  const groups: [string, Quad[]][] = [];
  for (const node of page) {
    groups.push([nodeIri(node.id, scheme), nodeQuads(node, ontology, scheme)]);
    const prov = provenanceQuads(node.provenance, scheme);
    const event = prov.event[0]?.subject.value;
    const agent = prov.agent[0]?.subject.value;
    if (event && seen.add(`e ${event}`)) groups.push([event, prov.event]);
    if (agent && seen.add(`a ${agent}`)) groups.push([agent, prov.agent]);
  }
  return groups;
}

/** A writer of `format` into `sink`. */
export function createRdfWriter(sink: TextSink, format: RdfFormat, ontology: CompiledOntology, options: RdfWriterOptions = {}): RdfWriter {
  const scheme = options.scheme ?? DEFAULT_IRI_SCHEME;
  const seen = new BoundedSet(options.rememberedProvenance ?? 100_000);
  const prefixes = exportPrefixes(ontology, EXPORT_PREFIXES);
  const ready = async (): Promise<void> => {
    if (sink.ready) await sink.ready();
  };
  if (format === 'jsonld') {
    let first = true;
    sink.write(`{\n"@context": ${JSON.stringify(jsonLdContext(prefixes))},\n"@graph": [`);
    return {
      async write(page) {
        for (const [subject, quads] of pageGroups(page, ontology, scheme, seen)) {
          sink.write(`${first ? '\n' : ',\n'}${JSON.stringify(jsonLdNode(subject, quads, prefixes))}`);
          first = false;
        }
        await ready();
      },
      async end() {
        sink.write('\n]\n}\n');
        await ready();
      },
    };
  }
  const n3Format = format === 'turtle' ? 'Turtle' : format === 'ntriples' ? 'N-Triples' : 'N-Quads';
  const writer = new Writer({ write: (chunk: string) => sink.write(chunk), end: () => {} } as unknown as NodeJS.WritableStream, {
    format: n3Format,
    end: false,
    ...(format === 'turtle' && { prefixes }),
  });
  return {
    async write(page) {
      for (const [, quads] of pageGroups(page, ontology, scheme, seen)) writer.addQuads(quads);
      await ready();
    },
    async end() {
      await new Promise<void>((resolve, reject) => writer.end((err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve())));
      await ready();
    },
  };
}
