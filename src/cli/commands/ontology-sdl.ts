/**
 * `trailgraph ontology sdl [path]`: prints the GraphQL schema `serve` would expose for an ontology — the generated
 * types plus the marks layer and the deprecated aliases of the latest migration — without opening a store.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { printSchema } from 'graphql';
import { createSchema } from '../../api/schema/index.ts';
import { serviceExtensions } from '../../api/service-schema.ts';
import { loadEvolution } from '../../app/ontology/evolution.ts';
import { loadOntology } from '../../app/ontology/ontology-loader.ts';
import type { MarkFeed } from '../../ports/mark-feed.ts';
import { loadConfig } from '../../service/config.ts';
import { ontologyCommand } from './ontology.ts';

/** Printing never subscribes; the feed is only captured by the subscription resolver. */
const PRINT_ONLY_FEED: MarkFeed = {
  subscribe: () => {
    throw new Error('ontology sdl prints the schema; it serves no subscriptions');
  },
  stats: () => ({ subscribers: 0, headSeq: 0, queued: 0, slowSubscribersCut: 0, gapFills: 0 }),
  close: () => Promise.resolve(),
};

/** The SDL `serve` exposes for the ontology at `path`. */
export async function schemaSdl(path: string): Promise<string> {
  const ontology = await loadOntology(path);
  const evolution = await loadEvolution(path, ontology);
  const schema = createSchema(ontology, serviceExtensions(ontology, { feed: PRINT_ONLY_FEED, deprecatedAliases: evolution.aliases }));
  return printSchema(schema);
}

export function register(program: Command): void {
  const group = ontologyCommand(program);
  if (group.commands.some((c) => c.name() === 'sdl')) return;
  group
    .command('sdl')
    .argument('[path]', 'ontology domain folder, version folder or .ttl file (default --ontology / TRAILGRAPH_ONTOLOGY, ontology/referral)')
    .option('-o, --out <file>', 'write the SDL to a file instead of stdout')
    .description('Print the GraphQL schema generated from the ontology (what `trailgraph serve` exposes)')
    .action(async (path: string | undefined, opts: { out?: string }) => {
      const sdl = await schemaSdl(path ?? loadConfig().ontologyDir);
      if (opts.out) {
        writeFileSync(opts.out, `${sdl}\n`);
        process.stderr.write(`wrote ${opts.out} (${sdl.split('\n').length} lines)\n`);
      } else {
        process.stdout.write(`${sdl}\n`);
      }
    });
}
