/** `trailgraph status`: is the service up and ready, on which ontology, and how far its ledger has got. */
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.ts';
import { remoteClient, serviceUrl, type RemoteFlags } from '../remote.ts';

interface Probe {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function probe(url: string): Promise<Probe> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as Record<string, unknown> };
  } catch {
    return { status: res.status, body: { status: text.slice(0, 200) } };
  }
}

export function register(program: Command): void {
  program
    .command('status')
    .description('Ask a running service: health, readiness (with the ontology version) and the head seq of its ledger')
    .option('--url <url>', 'the service (env TRAILGRAPH_URL or trailgraph.config.json; default http://127.0.0.1:4000)')
    .option('--token-file <file>', 'with auth on: a bearer token in a file (else env TRAILGRAPH_TOKEN)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExit status 1 when the service cannot be reached or is not ready.')
    .action(async (flags: RemoteFlags & { json?: boolean }) => {
      const url = serviceUrl(flags) ?? 'http://127.0.0.1:4000';
      let health: Probe;
      let ready: Probe;
      try {
        [health, ready] = await Promise.all([probe(`${url}/healthz`), probe(`${url}/readyz`)]);
      } catch (err) {
        throw new ConfigError('--url', `cannot reach trailgraph at ${url}: ${(err as Error).message}`);
      }
      let headSeq: number | string;
      try {
        headSeq = await remoteClient(url, flags).headSeq();
      } catch (err) {
        headSeq = `unavailable (${(err as Error).message})`;
      }
      const ok = health.status === 200 && ready.status === 200;
      const report = { url, ok, health: health.body.status, ready: ready.body.status, ontology: ready.body.ontology ?? null, reason: ready.body.reason ?? null, headSeq };
      if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        process.stdout.write(`${url}\n  health    ${String(report.health)}\n  ready     ${String(report.ready)}${report.reason ? ` (${String(report.reason)})` : ''}\n`);
        if (report.ontology) process.stdout.write(`  ontology  ${String(report.ontology)}\n`);
        process.stdout.write(`  head seq  ${headSeq}\n`);
      }
      if (!ok) process.exitCode = 1;
    });
}
