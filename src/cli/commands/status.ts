/** `trailgraph status`: is the service up and ready, on which ontology, and how far its ledger has got. */
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.ts';
import { formatStatus, type StatusReport } from '../../app/status.ts';
import { bearerToken, remoteClient, serviceUrl, type RemoteFlags } from '../remote.ts';

/** The service's coordination health (`GET /status`); a reason string when it cannot be had. */
async function coordination(url: string, flags: RemoteFlags, nearExpiryMs: string | undefined): Promise<StatusReport | string> {
  const token = bearerToken(flags);
  try {
    const res = await fetch(`${url}/status${nearExpiryMs === undefined ? '' : `?nearExpiryMs=${encodeURIComponent(nearExpiryMs)}`}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) return `/status answered ${res.status}`;
    return (await res.json()) as StatusReport;
  } catch (err) {
    return `/status unavailable (${(err as Error).message})`;
  }
}

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
    .description('Ask a running service: health, readiness (with the ontology version), the head seq of its ledger, and coordination health: lag, dead letters by reason, subscribers, the oldest waiting mark, claims near expiry, time to consistency')
    .option('--url <url>', 'the service (env TRAILGRAPH_URL or trailgraph.config.json; default http://127.0.0.1:4000)')
    .option('--token-file <file>', 'with auth on: a bearer token in a file (else env TRAILGRAPH_TOKEN)')
    .option('--json', 'print JSON')
    .option('--near-expiry <ms>', 'list claims that lapse within this many ms (default 10000)')
    .addHelpText('after', '\nExit status 1 when the service cannot be reached or is not ready.')
    .action(async (flags: RemoteFlags & { json?: boolean; nearExpiry?: string }) => {
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
      const health2 = await coordination(url, flags, flags.nearExpiry);
      const report = {
        url, ok, health: health.body.status, ready: ready.body.status, ontology: ready.body.ontology ?? null, reason: ready.body.reason ?? null, headSeq,
        coordination: typeof health2 === 'string' ? null : health2, ...(typeof health2 === 'string' && { coordinationUnavailable: health2 }),
      };
      if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        process.stdout.write(`${url}\n  health    ${String(report.health)}\n  ready     ${String(report.ready)}${report.reason ? ` (${String(report.reason)})` : ''}\n`);
        if (report.ontology) process.stdout.write(`  ontology  ${String(report.ontology)}\n`);
        process.stdout.write(`  head seq  ${headSeq}\n`);
        process.stdout.write(typeof health2 === 'string' ? `  coordination: ${health2}\n` : `coordination\n${formatStatus(health2)}\n`);
      }
      if (!ok) process.exitCode = 1;
    });
}
