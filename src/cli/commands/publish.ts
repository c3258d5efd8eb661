/** `trailgraph publish <file|->`: publish CloudEvents (a JSON object, a JSON array, or NDJSON) through the runtime. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type ConfigFlags, loadConfig } from '../../service/config.ts';
import type { RawEvent } from '../../app/ingest/ingest.ts';
import { createRuntime } from '../../service/runtime.ts';
import { ConfigError } from '../../core/errors.ts';
import { publishGuarded } from '../../app/auth/guard-publish.ts';
import { TrailgraphClientError } from '../../client/index.ts';
import { remoteClient, serviceUrl } from '../remote.ts';

/** Splits input text into raw events: one object, an array, or one object per line. */
export function parseEventInput(text: string, origin: string): RawEvent[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return Array.isArray(parsed) ? parsed.map((payload: unknown) => ({ payload })) : [{ payload: trimmed }];
  } catch {
    // Not one JSON document: NDJSON. Each line goes on as text, so a bad line is rejected (and dead-lettered) alone.
    return trimmed
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .map((payload) => ({ payload, headers: { origin } }));
  }
}

/** Publishes through a running service's API; returns how many events it rejected. */
async function publishOverHttp(url: string, raws: readonly RawEvent[], flags: { tokenFile?: string }): Promise<number> {
  const tg = remoteClient(url, flags);
  let rejected = 0;
  for (const [i, raw] of raws.entries()) {
    let event: Record<string, unknown>;
    try {
      event = (typeof raw.payload === 'string' ? JSON.parse(raw.payload) : raw.payload) as Record<string, unknown>;
    } catch (err) {
      rejected++;
      process.stdout.write(`✗ <event ${i + 1}> rejected: not JSON (${(err as Error).message})\n`);
      continue;
    }
    try {
      const r = await tg.publish(event);
      process.stdout.write(`✓ ${r.eventId} ${r.status}${r.seq !== null ? ` seq ${r.seq}` : ''}\n`);
    } catch (err) {
      if (!(err instanceof TrailgraphClientError) || err.code === 'NETWORK_ERROR') throw new ConfigError('--url', (err as Error).message, { cause: err });
      rejected++;
      process.stdout.write(`✗ ${typeof event.id === 'string' ? event.id : '<no id>'} rejected: ${err.message} [${err.code}]\n`);
    }
  }
  process.stdout.write(`${raws.length - rejected} published, ${rejected} rejected\n`);
  return rejected;
}

export function register(program: Command): void {
  program
    .command('publish')
    .argument('<file>', 'events file (JSON object, JSON array or NDJSON); - reads stdin')
    .description('Publish CloudEvents and print each outcome (seq, duplicate, or the rejection with its JSON pointer).')
    .option('--url <url>', 'publish through a running service (env TRAILGRAPH_URL / trailgraph.config.json, unless --store or --nats is given)')
    .option('--ontology <dir>', 'ontology folder (env TRAILGRAPH_ONTOLOGY, default ontology/referral)')
    .option('--store <path|url>', 'SQLite file or neo4j://… (env TRAILGRAPH_STORE, default ./.trailgraph/graph.db)')
    .option('--nats <url>', 'publish to NATS JetStream; a `serve --nats` process projects it (env TRAILGRAPH_NATS_URL)')
    .option('--nats-url <url>', 'alias of --nats')
    .option('--auth-jwks <file|url>', 'auth on: verify the token with this JWKS (env TRAILGRAPH_AUTH_JWKS; HS256: env TRAILGRAPH_AUTH_SECRET)')
    .option('--policy <dir>', 'access policy folder (env TRAILGRAPH_POLICY, default <ontology>/policy)')
    .option('--token-file <file>', 'with auth on: the bearer token to publish as, in a file (else env TRAILGRAPH_TOKEN)')
    .option('--wait <ms>', 'NATS: wait up to this long for the projection to report each seq (reads --store); 0 = do not wait')
    .addHelpText('after', '\nExit status 1 when any event is rejected; rejected events are in dead letters (embedded) or never sent (NATS).\n' +
      'Example: trailgraph publish --url http://127.0.0.1:4000 event.json   (a running service)\n' +
      '         trailgraph publish --nats nats://localhost:4222 --store ./.trailgraph/graph.db --wait 5000 event.json')
    .action(async (file: string, flags: ConfigFlags & { wait?: string; tokenFile?: string; url?: string }) => {
      let text: string;
      try {
        text = readFileSync(file === '-' ? 0 : file, 'utf8');
      } catch (err) {
        throw new ConfigError('<file>', `cannot read ${file}: ${(err as Error).message}`);
      }
      const raws = parseEventInput(text, file);
      const url = serviceUrl(flags);
      if (url !== undefined) {
        if ((await publishOverHttp(url, raws, flags)) > 0) process.exitCode = 1;
        return;
      }
      const waitMs = flags.wait === undefined ? undefined : Number(flags.wait);
      if (waitMs !== undefined && (!Number.isInteger(waitMs) || waitMs < 0)) throw new ConfigError('--wait', `${flags.wait} is not a number of milliseconds`);
      // Over NATS the CLI only publishes: the serve process owns the projector, so a second one must not start here.
      const runtime = await createRuntime({ ...loadConfig(flags), natsProject: false });
      let rejected = 0;
      try {
        // With auth configured, the CLI is held to the same policy as HTTP: a token names who publishes.
        const access = runtime.access;
        const token = flags.tokenFile ? readFileSync(flags.tokenFile, 'utf8').trim() : process.env.TRAILGRAPH_TOKEN;
        const guard = access ? { access, principal: await access.authenticate(token ? `Bearer ${token}` : undefined), deadLetters: runtime.deadLetters } : undefined;
        const outcomes = await publishGuarded(runtime.publisher, raws, { waitMs: waitMs ?? runtime.config.limits.defaultWaitMs }, guard);
        for (const o of outcomes) {
          const id = o.eventId ?? '<no id>';
          if (o.status === 'rejected') {
            rejected++;
            const where = o.deadLetterId ? ` (dead letter ${o.deadLetterId})` : '';
            process.stdout.write(`✗ ${id} rejected: ${o.error?.message ?? 'invalid'}${where}\n`);
          } else process.stdout.write(`✓ ${id} ${o.status}${o.seq !== undefined ? ` seq ${o.seq}` : ''}\n`);
        }
        process.stdout.write(`${outcomes.length - rejected} published, ${rejected} rejected\n`);
      } finally {
        await runtime.close();
      }
      if (rejected > 0) process.exitCode = 1;
    });
}
