/**
 * `trailgraph trace <correlationId|eventId>`: prints the process an event belongs to, reconstructed from the
 * ledger — which event caused which, by which agent, how long each reaction took, and what is still waiting.
 * Reads the store directly (like `dlq`), or asks a running service with `--url`.
 */
import type { Command } from 'commander';
import { type ConfigFlags, loadConfig } from '../../service/config.ts';
import { reconstructProcess, type ProcessReport } from '../../app/causality/process-view.ts';
import { createRuntime } from '../../service/runtime.ts';
import { formatProcess } from '../../core/causality/process.ts';
import { NotFoundError } from '../../core/errors.ts';

/** The waiting part of a process as text. */
function formatWaiting(p: Pick<ProcessReport, 'waiting' | 'truncated'>): string {
  const lines: string[] = [];
  for (const m of p.waiting.marks) lines.push(`  waiting: mark ${m.kind} on ${m.on.id} (strength ${m.strength.toFixed(2)}, by ${m.agent}, expires ${m.expiresAt})`);
  for (const c of p.waiting.claims) lines.push(`  waiting: claim ${c.purpose} on ${c.on.id} held by ${c.agent} (token ${c.token}, until ${c.expiresAt})`);
  if (lines.length === 0) lines.push('  nothing waiting (no open mark, no live claim on its aggregates)');
  if (p.truncated) lines.push('  (truncated: the process spans more aggregates or events than one trace reads)');
  return lines.join('\n');
}

const QUERY = `query Trace($id: String!) { causalProcess(id: $id) { text truncated
  waiting { marks { nodeId kind strength agent expiresAt } claims { nodeId purpose agent token expiresAt } } } }`;

interface Remote {
  causalProcess: null | {
    text: string;
    truncated: boolean;
    waiting: { marks: { nodeId: string; kind: string; strength: number; agent: string; expiresAt: string }[]; claims: { nodeId: string; purpose: string; agent: string; token: number; expiresAt: string }[] };
  };
}

async function viaService(url: string, id: string): Promise<string> {
  const res = await fetch(`${url.replace(/\/+$/, '')}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY, variables: { id } }) });
  const body = (await res.json()) as { data?: Remote; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`${url}: ${body.errors.map((e) => e.message).join('; ')}`);
  const p = body.data?.causalProcess;
  if (!p) throw new NotFoundError(`no event and no correlation with id ${id} in the ledger`);
  const waiting = {
    marks: p.waiting.marks.map((m) => ({ ...m, on: { id: m.nodeId } })),
    claims: p.waiting.claims.map((c) => ({ ...c, on: { id: c.nodeId } })),
  } as unknown as ProcessReport['waiting'];
  return `${p.text}\n${formatWaiting({ waiting, truncated: p.truncated })}`;
}

export function register(program: Command): void {
  program
    .command('trace')
    .argument('<id>', 'a correlation id, or the id of any event of the process')
    .description('Print the process an event belongs to: the causal chain of agents, reaction times, what is still waiting.')
    .option('--url <url>', 'ask a running service (e.g. http://localhost:4000) instead of reading the store')
    .option('--ontology <dir>', 'ontology folder (env TRAILGRAPH_ONTOLOGY, default ontology/referral)')
    .option('--store <path|url>', 'SQLite file or neo4j://… (env TRAILGRAPH_STORE, default ./.trailgraph/graph.db)')
    .addHelpText('after', '\nExamples:\n  trailgraph trace request-r-0001\n  trailgraph trace accept-r-0001 --url http://localhost:4000')
    .action(async (id: string, flags: ConfigFlags & { url?: string }) => {
      if (flags.url) {
        process.stdout.write(`${await viaService(flags.url, id)}\n`);
        return;
      }
      const { url: _url, ...rest } = flags;
      const rt = await createRuntime({ ...loadConfig(rest), natsProject: false, metrics: false });
      try {
        const p = await reconstructProcess(rt.store, id);
        if (!p) throw new NotFoundError(`no event and no correlation with id ${id} in the ledger`);
        process.stdout.write(`${formatProcess(p)}\n${formatWaiting(p)}\n`);
      } finally {
        await rt.close();
      }
    });
}
