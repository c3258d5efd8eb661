/**
 * `trailgraph replay --into <new store> (--from-seq N | --from-time T)`: rebuild a graph into a fresh store from
 * the JetStream stream (`--nats-url`) or, embedded mode, from another store's ledger (`--store`).
 */
import { existsSync } from 'node:fs';
import { createProgress } from '../progress.ts';
import type { Command } from 'commander';
import { createIngestor } from '../../app/ingest/ingest.ts';
import { busSource, ledgerSource, replay, type ReplaySourceEvent } from '../../app/ingest/replay.ts';
import { loadOntology } from '../../app/ontology/ontology-loader.ts';
import { ConfigError } from '../../core/errors.ts';
import { type ConfigFlags, loadConfig } from '../../service/config.ts';
import { checkStoredDomain } from '../../app/ontology/evolution.ts';
import { openStore } from '../../service/open-store.ts';

interface ReplayFlags extends Pick<ConfigFlags, 'ontology' | 'store' | 'nats' | 'natsUrl'> {
  into: string;
  fromSeq?: string;
  fromTime?: string;
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
      const { into, fromSeq: _seq, fromTime: _time, ...configFlags } = flags;
      const config = loadConfig(configFlags);
      const ontology = await loadOntology(config.ontologyDir);
      const target = await openStore({ kind: 'sqlite', path: into }, { ontology });
      await target.store.init(ontology);
      const ingestor = createIngestor({ ontology, store: target.store, deadLetters: await target.deadLetters() });
      const bar = createProgress('replay');
      const cleanups: (() => Promise<void>)[] = [() => target.close()];
      try {
        let source: AsyncIterable<ReplaySourceEvent>;
        let total: number;
        if (config.natsUrl) {
          const { createJetStreamBus } = await import('../../adapters/nats/jetstream-bus.ts');
          const bus = await createJetStreamBus({ url: config.natsUrl });
          cleanups.push(() => bus.close());
          total = Math.max(0, (await bus.lastSeq()) - fromSeq + 1);
          source = busSource(bus.read(flags.fromTime ? { time: flags.fromTime } : { seq: fromSeq }));
        } else {
          if (config.store.kind === 'sqlite' && !existsSync(config.store.path)) {
            throw new ConfigError('--store', `${config.store.path} does not exist; give the store to replay from, or --nats`);
          }
          const from = await openStore(config.store, { ontology });
          cleanups.push(() => from.close());
          await checkStoredDomain(from.store, ontology.iri, '--store', { record: false });
          total = Math.max(0, (await from.store.headSeq()) - fromSeq + 1);
          source = ledgerSource(from.store, fromSeq, flags.fromTime);
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
