/**
 * `trailgraph ontology jsonschema | openapi | asyncapi [path]`: the contracts generated from an ontology, printed
 * as JSON — the same documents `serve` publishes under /schemas/. No store is opened.
 */
import { writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { EVENTS_PREFIX, natsHost } from '../../adapters/nats/subjects.ts';

export { natsHost };
import { loadOntology, resolveOntologyDir } from '../../app/ontology/ontology-loader.ts';
import { ConfigError } from '../../core/errors.ts';
import { asyncApiDocument } from '../../core/schemas/asyncapi.ts';
import { eventDataSchemas } from '../../core/schemas/event-json-schema.ts';
import { openApiDocument } from '../../core/schemas/openapi.ts';
import { ontologyCommand } from './ontology.ts';


/** The domain token of the ontology at `path`: its domain folder's name (`ontology/referral/v2` → `referral`). */
function domainOf(path: string): string {
  const location = resolveOntologyDir(path);
  return basename(location.version === undefined ? location.dir : dirname(location.dir));
}

export function register(program: Command): void {
  const group = ontologyCommand(program);
  if (group.commands.some((c) => c.name() === 'jsonschema')) return;
  const defaultPath = process.env.TRAILGRAPH_ONTOLOGY ?? 'ontology/referral';
  const print = (doc: unknown, out: string | undefined): void => {
    const text = `${JSON.stringify(doc, null, 2)}\n`;
    if (out) writeFileSync(out, text);
    else process.stdout.write(text);
  };
  group
    .command('jsonschema')
    .argument('[path]', 'ontology domain folder, version folder or .ttl file', defaultPath)
    .option('--type <eventType>', 'only this event type')
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .description("Print the JSON Schema (2020-12) of each event type's data: the shapes the validator enforces")
    .action(async (path: string, opts: { type?: string; out?: string }) => {
      const schemas = eventDataSchemas(await loadOntology(path));
      if (opts.type === undefined) return print(schemas, opts.out);
      const one = schemas[opts.type];
      if (!one) throw new ConfigError('--type', `unknown event type ${opts.type}: expected one of ${Object.keys(schemas).join(', ')}`);
      print(one, opts.out);
    });
  group
    .command('openapi')
    .argument('[path]', 'ontology domain folder, version folder or .ttl file', defaultPath)
    .option('--server <url>', 'the service URL to put in servers[]')
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .description('Print the OpenAPI 3.1 document of POST /events and the health endpoints')
    .action(async (path: string, opts: { server?: string; out?: string }) => {
      print(openApiDocument(await loadOntology(path), { ...(opts.server && { serverUrl: opts.server }) }), opts.out);
    });
  group
    .command('asyncapi')
    .argument('[path]', 'ontology domain folder, version folder or .ttl file', defaultPath)
    .option('--nats <url>', 'the NATS server to put in servers (default localhost:4222)')
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .description('Print the AsyncAPI 3 document: a NATS channel per event type, the HTTP binding, CloudEvents payloads')
    .action(async (path: string, opts: { nats?: string; out?: string }) => {
      const ontology = await loadOntology(path);
      print(asyncApiDocument(ontology, { domain: domainOf(path), subjectPrefix: EVENTS_PREFIX, ...(opts.nats && { natsHost: natsHost(opts.nats) }) }), opts.out);
    });
}
