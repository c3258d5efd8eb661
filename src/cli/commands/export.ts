/**
 * `trailgraph export --format turtle|jsonld|ntriples|nquads [--output file] [--as-of seq|time]`: the whole graph —
 * now, or as it was at a ledger seq or commit time — as RDF under the ontology's IRIs, provenance as PROV-O, streamed
 * page by page (bounded memory at any graph size on SQLite; an as-of export from Neo4j holds that past graph in
 * memory, see docs) with progress on stderr.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { createProgress } from '../progress.ts';
import { exportGraph } from '../../app/rdf/export-graph.ts';
import { countNodes } from '../../app/rdf/graph-reader.ts';
import { RDF_FORMATS, type RdfFormat, type TextSink } from '../../app/rdf/rdf-writer.ts';
import { loadOntology } from '../../app/ontology/ontology-loader.ts';
import { BadInputError, ConfigError } from '../../core/errors.ts';
import { resolveAsOf } from '../../core/store/as-of.ts';
import type { GraphReads, GraphStore } from '../../ports/graph-store.ts';
import { DEFAULT_IRI_SCHEME } from '../../core/rdf/vocabulary.ts';
import { type ConfigFlags, loadConfig } from '../../service/config.ts';
import { openStore } from '../../service/open-store.ts';

interface ExportFlags extends Pick<ConfigFlags, 'ontology' | 'store'> {
  format: string;
  output?: string;
  nodeBase: string;
  pageSize: string;
  asOf?: string;
}

/** `--as-of`: digits are a ledger seq, anything else a commit time. */
function asOfArgument(value: string): { seq: number } | { time: string } {
  return /^\d+$/.test(value) ? { seq: Number(value) } : { time: value };
}

/** The reads to export: the present, or the store's view at `--as-of` (refused, naming the flag, when it cannot be answered). */
async function readsFor(store: GraphStore, asOf: string | undefined): Promise<GraphReads> {
  if (asOf === undefined) return store;
  try {
    const seq = await resolveAsOf(asOfArgument(asOf), { head: await store.headSeq(), historyFrom: await store.historyFrom() }, (t) => store.seqAt(t), '--as-of');
    return await store.readsAt(seq);
  } catch (err) {
    if (err instanceof BadInputError) throw new ConfigError('--as-of', err.message.replace(/^\S+ /, ''), { cause: err });
    throw err;
  }
}

/** A sink over a writable stream that waits for 'drain' when the stream's buffer is full. */
function streamSink(stream: NodeJS.WritableStream & { writableNeedDrain?: boolean }): TextSink {
  return {
    write: (text) => void stream.write(text),
    async ready() {
      if (stream.writableNeedDrain) await once(stream, 'drain');
    },
  };
}

export function register(program: Command): void {
  program
    .command('export')
    .description('Write the whole graph as RDF (Turtle, JSON-LD, N-Triples, N-Quads) with PROV-O provenance, streamed.')
    .option('--format <format>', `one of ${RDF_FORMATS.join(', ')}`, 'turtle')
    .option('--output <file>', 'write to this file (default: standard output)')
    .option('--node-base <iri>', 'IRI prefix of node IRIs (the percent-encoded node id follows)', DEFAULT_IRI_SCHEME.nodeBase)
    .option('--page-size <n>', 'nodes read per page', '500')
    .option('--as-of <seq|time>', 'the graph as it was at this ledger seq or commit time (ISO 8601), e.g. --as-of 1200')
    .option('--ontology <dir>', 'ontology folder (env TRAILGRAPH_ONTOLOGY, default ontology/referral)')
    .option('--store <path|url>', 'SQLite file or neo4j://host:7687 (env TRAILGRAPH_STORE, default ./.trailgraph/graph.db)')
    .addHelpText('after', '\nExamples:\n  trailgraph export --format turtle --output graph.ttl\n  trailgraph export --format nquads --as-of 2026-12-01T00:00:00Z > before.nq')
    .action(async (flags: ExportFlags) => {
      if (!(RDF_FORMATS as readonly string[]).includes(flags.format)) throw new ConfigError('--format', `${flags.format} is not one of ${RDF_FORMATS.join(', ')}`);
      const pageSize = Number(flags.pageSize);
      if (!Number.isInteger(pageSize) || pageSize < 1) throw new ConfigError('--page-size', `${flags.pageSize} is not a positive integer`);
      if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(flags.nodeBase)) throw new ConfigError('--node-base', `${flags.nodeBase} is not an absolute IRI`);
      const config = loadConfig({ ...(flags.ontology !== undefined && { ontology: flags.ontology }), ...(flags.store !== undefined && { store: flags.store }) });
      const ontology = await loadOntology(config.ontologyDir);
      const opened = await openStore(config.store, { ontology });
      const out = flags.output ? createWriteStream(flags.output) : process.stdout;
      const progress = createProgress('export');
      try {
        const reads = await readsFor(opened.store, flags.asOf);
        const total = await countNodes(reads, ontology);
        progress.step('nodes', total);
        const written = await exportGraph(reads, ontology, streamSink(out), flags.format as RdfFormat, {
          scheme: { ...DEFAULT_IRI_SCHEME, nodeBase: flags.nodeBase },
          pageSize,
          onProgress: (n) => progress.update(n),
        });
        progress.finish();
        progress.stop();
        if (flags.output) {
          out.end();
          await once(out, 'finish');
          process.stderr.write(`${written} nodes written to ${flags.output}\n`);
        }
      } finally {
        progress.stop();
        await opened.close();
      }
    });
}
