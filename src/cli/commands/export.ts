/**
 * `trailgraph export --format turtle|jsonld|ntriples|nquads [--output file]`: the whole graph as RDF under the
 * ontology's IRIs, provenance as PROV-O, streamed page by page (bounded memory at any graph size) with progress on
 * stderr.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { createProgress } from '../progress.ts';
import { exportGraph } from '../../app/rdf/export-graph.ts';
import { countNodes } from '../../app/rdf/graph-reader.ts';
import { RDF_FORMATS, type RdfFormat, type TextSink } from '../../app/rdf/rdf-writer.ts';
import { loadOntology } from '../../app/ontology/ontology-loader.ts';
import { ConfigError } from '../../core/errors.ts';
import { DEFAULT_IRI_SCHEME } from '../../core/rdf/vocabulary.ts';
import { type ConfigFlags, loadConfig } from '../../service/config.ts';
import { openStore } from '../../service/open-store.ts';

interface ExportFlags extends Pick<ConfigFlags, 'ontology' | 'store'> {
  format: string;
  output?: string;
  nodeBase: string;
  pageSize: string;
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
    .option('--ontology <dir>', 'ontology folder (env TRAILGRAPH_ONTOLOGY, default ontology/referral)')
    .option('--store <path|url>', 'SQLite file or neo4j://host:7687 (env TRAILGRAPH_STORE, default ./.trailgraph/graph.db)')
    .addHelpText('after', '\nExample: trailgraph export --format turtle --output graph.ttl')
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
        const total = await countNodes(opened.store, ontology);
        progress.step('nodes', total);
        const written = await exportGraph(opened.store, ontology, streamSink(out), flags.format as RdfFormat, {
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
