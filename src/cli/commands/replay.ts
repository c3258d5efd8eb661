/**
 * `trailgraph replay --into <new store> (--from-seq N | --from-time T)`: rebuild a graph into a fresh store from
 * the JetStream stream (`--nats-url`) or, embedded mode, from another store's ledger (`--store`).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createProgress } from '../progress.ts';
import type { Command } from 'commander';
import { createSqliteDeadLetters, createSqliteStore } from '../../adapters/sqlite/index.ts';
import { createIngestor } from '../../app/ingest.ts';
import { loadOntology } from '../../app/ontology-loader.ts';
import { busSource, ledgerSource, replay, type ReplaySourceEvent } from '../../app/replay.ts';
import { ConfigError } from '../../core/errors.ts';

interface ReplayFlags {
  into: string;
  fromSeq?: string;
  fromTime?: string;
  ontology?: string;
  store?: string;
  nats?: string;
  natsUrl?: string;
}

export function register(program: Command): void {
  program
    .command('replay')
    .description('Rebuild a graph into a fresh SQLite store from the event stream (NATS) or from another store\'s ledger.')
    .requiredOption('--into <path>', 'the new SQLite store (must not exist yet)')
    .option('--from-seq <n>', 'start at this stream / ledger sequence (default 1)')
    .option('--from-time <iso>', 'start at events stored at or after this time')
    .option('--ontology <dir>', 'ontology folder (env TRAILGRAPH_ONTOLOGY, default ontology/referral)')
    .option('--store <path>', 'embedded mode: the SQLite store whose ledger is replayed (env TRAILGRAPH_STORE)')
    .option('--nats <url>', 'replay the JetStream stream (env TRAILGRAPH_NATS_URL)')
    .option('--nats-url <url>', 'alias of --nats')
    .addHelpText('after', '\nExample: trailgraph replay --nats nats://localhost:4222 --from-seq 1 --into ./rebuilt.db')
    .action(async (flags: ReplayFlags) => {
      if (existsSync(flags.into)) throw new ConfigError('--into', `${flags.into} exists; replay builds a fresh store — give a new path`);
      const fromSeq = flags.fromSeq === undefined ? 1 : Number(flags.fromSeq);
      if (!Number.isInteger(fromSeq) || fromSeq < 1) throw new ConfigError('--from-seq', `${flags.fromSeq} is not a positive integer`);
      if (flags.fromTime !== undefined && Number.isNaN(Date.parse(flags.fromTime))) throw new ConfigError('--from-time', `${flags.fromTime} is not an ISO 8601 time`);
      const natsUrl = flags.nats ?? flags.natsUrl ?? process.env.TRAILGRAPH_NATS_URL;
      const sourceStorePath = flags.store ?? process.env.TRAILGRAPH_STORE ?? './.trailgraph/graph.db';
      const ontology = await loadOntology(flags.ontology ?? process.env.TRAILGRAPH_ONTOLOGY ?? 'ontology/referral');
      mkdirSync(dirname(flags.into), { recursive: true });
      const target = createSqliteStore({ path: flags.into, ontology });
      await target.init(ontology);
      const ingestor = createIngestor({ ontology, store: target, deadLetters: createSqliteDeadLetters({ db: target.db }) });
      const bar = createProgress('replay');
      const cleanups: (() => Promise<void>)[] = [async () => target.close()];
      try {
        let source: AsyncIterable<ReplaySourceEvent>;
        let total: number;
        if (natsUrl) {
          const { createJetStreamBus } = await import('../../adapters/nats/jetstream-bus.ts');
          const bus = await createJetStreamBus({ url: natsUrl });
          cleanups.push(() => bus.close());
          total = Math.max(0, (await bus.lastSeq()) - fromSeq + 1);
          source = busSource(bus.read(flags.fromTime ? { time: flags.fromTime } : { seq: fromSeq }));
        } else {
          if (!existsSync(sourceStorePath)) throw new ConfigError('--store', `${sourceStorePath} does not exist; give the store to replay from, or --nats`);
          const from = createSqliteStore({ path: sourceStorePath, ontology });
          cleanups.push(async () => from.close());
          total = Math.max(0, (await from.headSeq()) - fromSeq + 1);
          source = ledgerSource(from, fromSeq, flags.fromTime);
        }
        bar.step('events', total);
        const report = await replay({ source, ingestor, onProgress: (done) => bar.update(Math.min(done, total)) });
        bar.finish();
        bar.stop();
        process.stdout.write(`${report.applied} applied, ${report.duplicates} duplicates, ${report.rejected} rejected (in ${flags.into}'s dead letters); last position ${report.lastPosition}\n`);
      } finally {
        bar.stop();
        for (const c of cleanups.reverse()) await c();
      }
    });
}
