/**
 * `trailgraph migrate`: moves the stored graph to a newer ontology version (dry run: the plan and how many nodes
 * and relationships each step touches). Resumable: kill it at any point and run it again.
 */
import { createProgress } from '../progress.ts';
import type { Command } from 'commander';
import { runMigration, type MigrationReport } from '../../app/ontology/migrate.ts';
import { defaultMigrationsDir, loadVersionChain } from '../../app/ontology/ontology-versions.ts';
import { type ConfigFlags, loadConfig } from '../../service/config.ts';
import { openStore } from '../../service/open-store.ts';

/** Pauses the projector's consumer for the migration (consumer-pause.ts) and says so. */
async function pauseProjection(url: string): Promise<{ resume(): Promise<void> }> {
  const { pauseConsumer } = await import('../../adapters/nats/consumer-pause.ts');
  const pause = await pauseConsumer({ url, onRenewalError: (err) => process.stderr.write(`warning: renewing the consumer pause failed: ${(err as Error).message}\n`) });
  process.stderr.write(pause.paused
    ? `paused consumer ${pause.stream}/${pause.durable} while migrating: events wait on the stream\n`
    : `no consumer ${pause.stream}/${pause.durable} to pause (no projector has run)\n`);
  return {
    async resume() {
      await pause.resume();
      if (pause.paused) process.stderr.write(`resumed consumer ${pause.stream}/${pause.durable}\n`);
    },
  };
}

function printReport(r: MigrationReport): void {
  const out = [r.dryRun ? `plan: ${r.from} → ${r.to} (dry run, nothing written)` : `migrated ${r.from} → ${r.to} in ${(r.ms / 1000).toFixed(1)} s`];
  if (r.steps.length === 0) out.push('  nothing to do: the store is already at this version');
  r.steps.forEach((s, i) => {
    const what = s.step.scope.scope === 'relationships' ? 'relationships' : 'nodes';
    const created = s.created ? `, creates ${s.created} node(s)` : '';
    const skipped = s.skipped ? ' (done by an earlier run)' : '';
    out.push(`  ${i + 1}. ${s.step.description}`);
    out.push(`     ${r.dryRun ? 'would change' : 'changed'} ${s.touched} of ${s.scanned} ${what} looked at${created}${skipped}`);
  });
  if (r.dryRun && r.steps.length) {
    out.push('', 'run again without --dry-run to apply (with --nats the projector\'s consumer is paused meanwhile; otherwise stop the service first)');
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

export function register(program: Command): void {
  program
    .command('migrate')
    .description('Migrate the stored graph to a newer ontology version (resumable; --dry-run shows the plan)')
    .option('--dry-run', 'print the plan and how many nodes / relationships each step touches; write nothing')
    .option('--to <version>', 'target version (owl:versionInfo, e.g. 2.0.0); default the newest')
    .option('--from <version>', 'the stored version, for a store that does not record one yet (meta ontology.version)')
    .option('--batch-size <n>', 'nodes or relationships per transaction', '5000')
    .option('--ontology <dir>', 'domain ontology folder with v<N> folders (env TRAILGRAPH_ONTOLOGY, default ontology/referral)')
    .option('--migrations <dir>', 'migrations folder (default migrations/<domain>)')
    .option('--store <path|url>', 'SQLite file or neo4j://host:7687 (env TRAILGRAPH_STORE, default ./.trailgraph/graph.db)')
    .option('--nats <url>', 'pause the projector\'s JetStream consumer while migrating, so no projector applies events meanwhile (env TRAILGRAPH_NATS_URL)')
    .addHelpText('after', [
      '',
      'Each step runs in batches; every batch commits with the step\'s progress (store meta), so an interrupted',
      'migration resumes where it stopped. The stored version (meta ontology.version) moves when a migration ends.',
      'In NATS mode (--nats) the projector\'s consumer is paused for the duration (a lease renewed while it runs, so',
      'a migration that dies does not stop projection for good); events published meanwhile wait on the stream.',
      '',
      'Example:',
      '  trailgraph migrate --dry-run',
      '  trailgraph migrate --to 2.0.0 --store ./.trailgraph/graph.db',
    ].join('\n'))
    .action(async (opts: ConfigFlags & { dryRun?: boolean; to?: string; from?: string; batchSize: string; migrations?: string }) => {
      const config = loadConfig({
        ...(opts.ontology !== undefined && { ontology: opts.ontology }), ...(opts.store !== undefined && { store: opts.store }),
        ...(opts.nats !== undefined && { nats: opts.nats }),
      });
      const batchSize = Number(opts.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`--batch-size: expected a positive integer, got ${opts.batchSize}`);
      const chain = await loadVersionChain(config.ontologyDir, opts.migrations ?? defaultMigrationsDir(config.ontologyDir));
      const opened = await openStore(config.store);
      const { store } = opened;
      const target = await opened.migrationTarget();
      const pause = config.natsUrl && !opts.dryRun ? await pauseProjection(config.natsUrl) : undefined;
      const progress = createProgress('migrate');
      try {
        let scanning = false;
        const report = await runMigration({
          store, target, chain, batchSize,
          ...(opts.dryRun && { dryRun: true }),
          ...(opts.to !== undefined && { to: opts.to }),
          ...(opts.from !== undefined && { from: opts.from }),
          onScan: (n, total) => {
            if (!scanning) progress.step('reading the graph', total);
            scanning = true;
            progress.update(n);
          },
          onStep: (e) => {
            if (e.kind === 'start') progress.step(e.step.description, e.total, e.resumed?.scanned ?? 0);
            else if (e.kind === 'batch') progress.update(e.progress.scanned);
            else if (!e.skipped) progress.finish();
          },
        });
        progress.stop();
        printReport(report);
      } finally {
        progress.stop();
        await pause?.resume();
        await opened.close();
      }
    });
}
