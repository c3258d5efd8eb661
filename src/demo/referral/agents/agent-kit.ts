/**
 * What every demo agent shares: flags, reports to the runner (JSON lines on stdout), logs (stderr), and the
 * reactor loop — a resumable mark subscription for the fast path plus a periodic sweep query for the slow path
 * (an agent that was paused, or a mark it never saw, still finds its work in the shared graph). No agent calls
 * another; each only talks to trailgraph through the package client.
 */
import { parseArgs } from 'node:util';
import { createClient, type Mark, type MarkWhere, type TrailgraphClient } from '../../../client/index.ts';
import { reactTo } from '../../../observability/trace-reaction.ts';
import { shutdownTracing, startTracing } from '../../../observability/tracing.ts';

/** Flags every agent takes: `--url http://127.0.0.1:4000 --agent agent://insurance [--seed 7] …`. */
export interface AgentFlags {
  readonly url: string;
  readonly agent: string;
  /** The role name without the replica suffix (matcher-2 → matcher). */
  readonly role: string;
  readonly seed: number;
  readonly extra: Readonly<Record<string, string | undefined>>;
}

export function readFlags(argv = process.argv.slice(2), extra: readonly string[] = []): AgentFlags {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries([['url', { type: 'string' }], ['agent', { type: 'string' }], ['seed', { type: 'string' }], ...extra.map((n) => [n, { type: 'string' }])]) as never,
    strict: true,
  }) as { values: Record<string, string | undefined> };
  if (!values.url || !values.agent) {
    process.stderr.write('usage: node --import tsx src/demo/referral/agents/<name>.ts --url http://127.0.0.1:4000 --agent agent://<name>\n');
    process.exit(2);
  }
  const name = values.agent.replace(/^agent:\/\//, '');
  return { url: values.url, agent: values.agent, role: name.replace(/-\d+$/, ''), seed: Number(values.seed ?? 7), extra: values };
}

/** A JSON line for the runner (reactions, progress). */
export function report(message: Readonly<Record<string, unknown>>): void {
  process.stdout.write(`${JSON.stringify({ ...message, at: Date.now() })}\n`);
}

/** A human log line (the runner keeps these in the run's log file). */
export function log(agent: string, message: string): void {
  process.stderr.write(`${new Date().toISOString()} ${agent} ${message}\n`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A small deterministic hash of a string, for "rare" decisions that must not change on redelivery. */
export function hashOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The aggregate id of a mark: `Referral/r-0001` → `r-0001`. */
export function subjectId(mark: Mark): string | undefined {
  const s = mark.subject ?? '';
  const i = s.indexOf('/');
  return i >= 0 ? s.slice(i + 1) : undefined;
}

/**
 * Runs `work(key)` at most once at a time per key, with at most `concurrency` keys in flight. A key enqueued while
 * it runs is run once more afterwards (the graph may have moved on), never twice concurrently.
 */
export function createWorkQueue(concurrency: number, work: (key: string) => Promise<void>, onError: (key: string, err: unknown) => void) {
  const waiting: string[] = [];
  const queued = new Set<string>();
  const running = new Set<string>();
  const again = new Set<string>();
  const pump = (): void => {
    while (running.size < concurrency && waiting.length > 0) {
      const key = waiting.shift() as string;
      queued.delete(key);
      running.add(key);
      work(key)
        .catch((err: unknown) => onError(key, err))
        .finally(() => {
          running.delete(key);
          if (again.delete(key)) enqueue(key);
          pump();
        });
    }
  };
  const enqueue = (key: string): void => {
    if (running.has(key)) again.add(key);
    else if (!queued.has(key)) {
      queued.add(key);
      waiting.push(key);
    }
    pump();
  };
  return { enqueue, get size() { return waiting.length + running.size; } };
}

export interface ReactorOptions {
  readonly client: TrailgraphClient;
  readonly agent: string;
  /** One or more subscriptions (filters combine with AND inside one; use several for OR). */
  readonly streams: readonly { readonly where: MarkWhere; onMark(mark: Mark): void }[];
  /** The slow path: find work in the graph. */
  readonly sweep?: () => Promise<void>;
  readonly sweepMs?: number;
}

/**
 * The last event this agent sensed on each referral: what its next event there reacts to. `publishOnce` hands it
 * to the client as `causedBy`, so the ledger records who reacted to what (causation, correlation) and the
 * referral's chain of agents can be reconstructed — and a loop between agents can be stopped.
 */
const sensed = new Map<string, Mark>();

function remember(mark: Mark): void {
  if (mark.kind !== 'event') return;
  const rid = subjectId(mark);
  if (rid === undefined) return;
  sensed.delete(rid);
  sensed.set(rid, mark);
  if (sensed.size > 5000) sensed.delete(sensed.keys().next().value as string);
}

/** Starts the streams and the sweep; resolves never (the process ends on SIGTERM). */
export async function runReactor({ client, agent, streams, sweep, sweepMs = 2000 }: ReactorOptions): Promise<void> {
  const loops = streams.map(async ({ where, onMark }) => {
    // The client resumes with `after: <last seq>` on every reconnect (no gap, no duplicate); if the stream ever
    // fails for good we open a new one from where it stopped.
    let after: number | undefined;
    for (;;) {
      const stream = client.subscribe(where, after === undefined ? {} : { after });
      try {
        for await (const mark of stream) {
          remember(mark);
          onMark(mark);
        }
      } catch (err) {
        log(agent, `subscription ended (${(err as Error).message}); resuming after seq ${stream.lastSeq}`);
      }
      after = stream.lastSeq;
      await sleep(250);
    }
  });
  const sweeping = (async () => {
    if (!sweep) return;
    for (;;) {
      try {
        await sweep();
      } catch (err) {
        log(agent, `sweep failed: ${(err as Error).message}`);
      }
      await sleep(sweepMs);
    }
  })();
  await Promise.all([...loops, sweeping]);
}

/** Connects the client and installs SIGTERM/SIGINT handlers that end the process cleanly. */
export function startAgent(flags: AgentFlags): TrailgraphClient {
  const stop = (): void => {
    log(flags.agent, 'stopping');
    // Spans still buffered are exported first (a no-op when tracing is off).
    void shutdownTracing().finally(() => process.exit(0));
  };
  // OpenTelemetry when the OTEL_* environment asks for it; spans of the first moments may precede its start.
  startTracing(process.env, `agent-${flags.role}`).catch((err: unknown) => log(flags.agent, `tracing off: ${(err as Error).message}`));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  log(flags.agent, `started (pid ${process.pid}) against ${flags.url}`);
  // With auth on, the supervisor hands each agent its own token; the service knows the agent by it.
  const token = process.env.TRAILGRAPH_TOKEN || undefined;
  return createClient({ url: flags.url, agent: flags.agent, ...(token && { token }) });
}

/** Publishes, treating a deduplicated retry as success (deterministic ids make a retried publish harmless). */
export async function publishOnce(client: TrailgraphClient, event: Record<string, unknown>, attempts = 5): Promise<{ seq: number | null; status: string }> {
  const subject = typeof event.subject === 'string' ? event.subject : '';
  const cause = sensed.get(subject.slice(subject.indexOf('/') + 1));
  for (let i = 1; ; i++) {
    try {
      if (!cause) return await client.publish(event);
      // The reaction continues the mark's trace (in a span of this agent's own when it exports spans).
      return await reactTo(cause, String(event.source), (traceparent) => client.publish(traceparent === undefined ? event : { ...event, traceparent }, { causedBy: cause }));
    } catch (err) {
      const code = (err as { code?: string }).code;
      const retryable = code === 'NETWORK_ERROR' || code === 'STORE_UNAVAILABLE' || code === 'HTTP_ERROR' || code === 'CONSISTENCY_TIMEOUT';
      if (!retryable || i >= attempts) throw err;
      await sleep(100 * 2 ** i);
    }
  }
}

/** A CloudEvent from this agent about referral `rid`. */
export function referralEvent(agent: string, id: string, type: string, rid: string, data: Record<string, unknown>): Record<string, unknown> {
  return { specversion: '1.0', id, source: agent, type, subject: `Referral/${rid}`, time: new Date().toISOString(), datacontenttype: 'application/json', data };
}
