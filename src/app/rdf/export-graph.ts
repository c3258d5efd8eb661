/**
 * RDF export: the whole graph (`trailgraph export`) or one node (`GET /rdf/{id}`), in any RDF format, from any
 * store. Streams: pages are read, written and released one at a time.
 */
import type { CompiledOntology } from '../../core/ontology/model.ts';
import type { IriScheme } from '../../core/rdf/vocabulary.ts';
import type { GraphReads } from '../../ports/graph-store.ts';
import { describe, outgoingOf, readGraph } from './graph-reader.ts';
import { createRdfWriter, type RdfFormat, type TextSink } from './rdf-writer.ts';

export interface ExportOptions {
  readonly scheme?: IriScheme;
  /** Nodes per page read from the store. */
  readonly pageSize?: number;
  /** Called after each page with the number of nodes written so far. */
  readonly onProgress?: (nodes: number) => void;
}

/** Writes every node of the graph (now, or of an as-of view) to `sink` in `format`. Returns the number of nodes written. */
export async function exportGraph(store: Pick<GraphReads, 'listNodes' | 'related'>, ontology: CompiledOntology, sink: TextSink, format: RdfFormat, options: ExportOptions = {}): Promise<number> {
  const writer = createRdfWriter(sink, format, ontology, options.scheme ? { scheme: options.scheme } : {});
  let nodes = 0;
  for await (const page of readGraph(store, ontology, options.pageSize !== undefined ? { pageSize: options.pageSize } : {})) {
    await writer.write(page);
    nodes += page.length;
    options.onProgress?.(nodes);
  }
  await writer.end();
  return nodes;
}

/** One node as an RDF document, or undefined when there is no such node (or the store's scope hides it). */
export async function exportNode(store: Pick<GraphReads, 'getNode' | 'related'>, ontology: CompiledOntology, id: string, format: RdfFormat, options: Pick<ExportOptions, 'scheme'> = {}): Promise<string | undefined> {
  const node = await store.getNode(id);
  if (!node) return undefined;
  const outgoing = await outgoingOf(store, ontology, [node]);
  const chunks: string[] = [];
  const writer = createRdfWriter({ write: (t) => void chunks.push(t) }, format, ontology, options.scheme ? { scheme: options.scheme } : {});
  await writer.write([describe(node, outgoing.get(node.id) ?? [])]);
  await writer.end();
  return chunks.join('');
}
