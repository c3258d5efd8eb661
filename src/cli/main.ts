/**
 * The `trailgraph` command. Each sub-command lives in `commands/<name>.ts` and exports `register(program)`.
 */
import { Command, CommanderError } from 'commander';
import { applyConfigFile } from '../service/config-file.ts';
import { TrailgraphError } from '../core/errors.ts';
import { TracingConfigError, shutdownTracing, startTracing } from '../observability/tracing.ts';

function fail(err: unknown): never {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof TrailgraphError) {
    process.stderr.write(`trailgraph: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

// trailgraph.config.json, under the environment and the flags: before the commands register, so their defaults see it.
try {
  applyConfigFile();
} catch (err) {
  fail(err);
}

// OpenTelemetry, when the standard OTEL_* environment asks for it (nothing is loaded otherwise). Commands that end
// with process.exit flush it themselves; the others flush when the event loop empties.
try {
  if (await startTracing(process.env, 'trailgraph')) process.once('beforeExit', () => void shutdownTracing());
} catch (err) {
  if (err instanceof TracingConfigError) {
    process.stderr.write(`trailgraph: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

const program = new Command('trailgraph')
  .description('Shared context for multi-agent systems: events → ontology-checked graph → GraphQL and marks.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

const commands = [
  () => import('./commands/ontology.ts'),
  () => import('./commands/ontology-diff.ts'),
  () => import('./commands/ontology-sdl.ts'),
  () => import('./commands/ontology-schemas.ts'),
  () => import('./commands/migrate.ts'),
  () => import('./commands/serve.ts'),
  () => import('./commands/publish.ts'),
  () => import('./commands/neo4j.ts'),
  () => import('./commands/dlq.ts'),
  () => import('./commands/replay.ts'),
  () => import('./commands/demo.ts'),
  () => import('./commands/token.ts'),
  () => import('./commands/nats.ts'),
  () => import('./commands/status.ts'),
  () => import('./commands/init.ts'),
  () => import('./commands/trace.ts'),
  () => import('./commands/mcp.ts'),
  () => import('./commands/export.ts'),
];
for (const load of commands) (await load()).register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  fail(err);
}
