/**
 * `trailgraph demo referral --url <service>`: only the agents, against a trailgraph service that already runs — the
 * compose stack's replicas behind its gateway, or any `trailgraph serve` with the referral ontology. Seeds the
 * network, starts the seven agent processes and counts completed referrals from the change marks (through the
 * client, like any agent) until all are done or the timeout; the graph is on `<url>/demo`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '../../client/index.ts';
import { seedNetwork } from './seed.ts';
import { createSupervisor } from './supervisor.ts';

export interface AgentsOnlyOptions {
  readonly url: string;
  readonly count: number;
  readonly rate: number;
  readonly seed: number;
  readonly timeoutMs: number;
  /** Called whenever another referral completed. */
  readonly onProgress?: (completed: number, count: number) => void;
}

export interface AgentsOnlyResult {
  readonly completed: number;
  readonly count: number;
  readonly elapsedMs: number;
  readonly logPath: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until the service answers (compose may still be starting it). */
async function waitForService(url: string, deadline: number): Promise<number> {
  const probe = createClient({ url, agent: 'agent://demo-runner' });
  for (;;) {
    try {
      return await probe.headSeq();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`no trailgraph service answers at ${url}: ${String(err)} — start one with \`trailgraph serve\``);
      await sleep(1000);
    }
  }
}

export async function runAgentsOnly(options: AgentsOnlyOptions): Promise<AgentsOnlyResult> {
  const t0 = Date.now();
  const deadline = t0 + options.timeoutMs;
  const head = await waitForService(options.url, deadline);
  const client = createClient({ url: options.url, agent: 'agent://demo-runner' });
  await seedNetwork(createClient({ url: options.url, agent: 'agent://seed' }), options.seed);
  const logPath = join(mkdtempSync(join(tmpdir(), 'trailgraph-agents-')), 'agents.log');
  const supervisor = createSupervisor({ url: options.url, seed: options.seed, logPath, onReport: () => undefined });
  for (const [script, name] of [['insurance', 'insurance'], ['lab', 'lab'], ['matcher', 'matcher-1'], ['matcher', 'matcher-2'], ['scheduler', 'scheduler'], ['notifier', 'notifier']] as const) {
    supervisor.start({ script, name });
  }
  supervisor.start({ script: 'intake', name: 'intake', args: ['--count', String(options.count), '--rate', String(options.rate)] });

  const completed = new Set<string>();
  const watching = new AbortController();
  const timer = setTimeout(() => watching.abort(), Math.max(0, deadline - Date.now()));
  try {
    for await (const mark of client.subscribe({ eventTypes: ['ReferralCompleted'] }, { after: head, signal: watching.signal })) {
      for (const c of mark.changes) if (c.kind === 'node' && c.class === 'Referral') completed.add(c.id);
      options.onProgress?.(completed.size, options.count);
      if (completed.size >= options.count) break;
    }
  } catch (err) {
    if (!watching.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
    watching.abort();
    await supervisor.stopAll();
  }
  return { completed: completed.size, count: options.count, elapsedMs: Date.now() - t0, logPath };
}
