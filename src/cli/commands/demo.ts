/** `trailgraph demo referral`: the healthcare referral demo — agents coordinating through marks, with --chaos. */
import { InvalidArgumentError, type Command } from 'commander';
import { formatSummary, createStatusBar } from '../../demo/referral/terminal-ui.ts';
import type { ChaosScenario } from '../../demo/referral/runner.ts';
import { shutdownTracing } from '../../observability/tracing.ts';

const int = (name: string, min: number) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}`);
  return n;
};

function chaosOf(value: string | boolean | undefined): ChaosScenario[] {
  if (value === undefined || value === false) return [];
  if (value === true || value === 'all') return ['insurance', 'matcher', 'ping-pong', 'rogue'];
  const parts = value.split(',').map((s) => s.trim());
  for (const p of parts) if (p !== 'insurance' && p !== 'matcher' && p !== 'ping-pong' && p !== 'rogue') throw new InvalidArgumentError(`unknown chaos scenario "${p}"; use insurance, matcher, ping-pong, rogue or all`);
  return parts as ChaosScenario[];
}

interface DemoFlags {
  count: number;
  rate: number;
  port: number;
  store?: string;
  nats?: string;
  chaos?: string | boolean;
  stall?: number;
  keepOpen?: boolean;
  json?: boolean;
  seed: number;
  timeout: number;
  url?: string;
  auth: boolean;
  notifier: 'mcp' | 'graphql';
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('Run a demo. referral: intake, insurance, lab, two matchers, scheduling and notification agents coordinate through marks — no orchestrator.')
    .argument('<name>', 'the demo to run: referral')
    .option('-n, --count <n>', 'referrals to run', int('--count', 1), 200)
    .option('-r, --rate <r>', 'referrals per second intake requests', (v) => {
      const n = Number(v);
      if (!(n > 0)) throw new InvalidArgumentError('--rate must be a positive number');
      return n;
    }, 20)
    .option('-p, --port <port>', 'port of the service and the /demo page (0 = any free port)', int('--port', 0), 4000)
    .option('--store <path|url>', 'the graph: a new SQLite file, or neo4j://host:7687 with an empty database (password in TRAILGRAPH_NEO4J_PASSWORD); default: a temp SQLite file, removed afterwards')
    .option('--nats <url>', 'run the service in NATS JetStream mode against this server, e.g. nats://127.0.0.1:4222')
    .option('--chaos [scenario]', 'failure injection: insurance (stop the insurance agent for a while), matcher (kill -9 a matcher replica holding claims), ping-pong (two triage agents trigger each other until the loop breaker stops them), rogue (an agent with a valid token tries what its role may not), all (default); comma-separate several')
    .option('--no-auth', 'run the service open (by default every agent has its own token and role, checked against ontology/referral/policy)')
    .option('--stall <ms>', 'how long --chaos stops the insurance agent', int('--stall', 100))
    .option('--keep-open', 'keep the service (and the /demo page) up after the run, until Ctrl-C')
    .option('--json', 'print only the machine-readable summary (JSON) on stdout')
    .option('--seed <n>', 'seed of the synthetic patients', int('--seed', 0), 7)
    .option('--timeout <s>', 'give up after this many seconds', int('--timeout', 1), 300)
    .option('--notifier <how>', 'how the notification agent works: mcp (only through the MCP tools at /mcp) or graphql (the client package)', (v) => {
      if (v !== 'mcp' && v !== 'graphql') throw new InvalidArgumentError('--notifier must be mcp or graphql');
      return v;
    }, 'mcp')
    .option('--url <url>', 'agents only: run them against a trailgraph service that already runs (e.g. the compose gateway), no service of its own')
    .addHelpText('after', '\nExamples:\n  npm run demo                                   # 200 referrals, page on http://127.0.0.1:4000/demo\n  trailgraph demo referral --count 50 --chaos --keep-open\n  trailgraph demo referral --nats nats://127.0.0.1:4222 --json\n  trailgraph demo referral --url http://localhost:8080   # agents only, against a running service (compose)\nExit code 0 only when every referral completed with 0 duplicates and no unexplained dead letter.')
    .action(async (name: string, flags: DemoFlags, cmd: Command) => {
      if (name !== 'referral') {
        // A usage error: say what exists and how to call it; exit 2 as for any other misuse of the command line.
        process.stderr.write(`trailgraph demo: unknown demo "${name}"; the one demo is: referral\n\n${cmd.helpInformation()}`);
        process.exit(2);
      }
      if (flags.url) {
        // Agents only: the service (and its /demo page) is someone else's; count completions from the marks.
        const { runAgentsOnly } = await import('../../demo/referral/agents-only.ts');
        process.stderr.write(`trailgraph demo: agents against ${flags.url} — watch it at ${flags.url}/demo\n`);
        const r = await runAgentsOnly({
          url: flags.url, count: flags.count, rate: flags.rate, seed: flags.seed, timeoutMs: flags.timeout * 1000,
          onProgress: (done, count) => {
            if (!flags.json && (done % 10 === 0 || done === count)) process.stderr.write(`  ${done}/${count} referrals completed\n`);
          },
        });
        process.stdout.write(flags.json ? `${JSON.stringify(r)}\n` : `${r.completed}/${r.count} referrals completed in ${(r.elapsedMs / 1000).toFixed(1)} s (agents' log: ${r.logPath})\n`);
        await shutdownTracing();
        process.exit(r.completed >= r.count ? 0 : 1);
      }
      const { runDemo } = await import('../../demo/referral/runner.ts');
      const chaos = chaosOf(flags.chaos);
      const bar = flags.json ? undefined : createStatusBar();
      const run = await runDemo({
        count: flags.count,
        rate: flags.rate,
        port: flags.port,
        ...(flags.store && { store: flags.store }),
        ...(flags.nats && { natsUrl: flags.nats }),
        chaos,
        notifier: flags.notifier,
        ...(flags.stall !== undefined && { stallMs: flags.stall }),
        seed: flags.seed,
        auth: flags.auth,
        timeoutMs: flags.timeout * 1000,
        ...(bar && { onStatus: (s) => bar.update(s) }),
        onListening: (url, logPath, pageUrl) => {
          // Also with --json (stdout is the summary): the page URL is how to watch, and it carries the page's token.
          process.stderr.write(`trailgraph demo: service on ${url} — watch it live at ${pageUrl}${flags.json ? '' : ` (GraphiQL: ${url}/graphql)\n  agents' log: ${logPath}`}\n`);
        },
      }).finally(() => bar?.stop());
      const { summary } = run;
      process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`);
      if (flags.keepOpen) {
        process.stderr.write(`\nService still up: ${summary.url}/demo — Ctrl-C to stop.\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
      }
      await run.close();
      await shutdownTracing();
      process.exit(summary.ok ? 0 : 1);
    });
}
