/**
 * `trailgraph demo referral`: starts the service, seeds the network, starts the agents as separate processes,
 * watches (never directs) them until every referral completed, then checks the outcome from the ledger itself:
 * duplicates, dead letters, time-to-consistency, and what --chaos did.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueToken } from '../../adapters/jose/issue.ts';
import { createClient } from '../../client/index.ts';
import { reconstructProcess } from '../../app/causality/process-view.ts';
import { formatProcess } from '../../core/causality/process.ts';
import { ConfigError } from '../../core/errors.ts';
import type { GraphStore } from '../../ports/graph-store.ts';
import { createInsuranceChaos, createMatcherChaos } from './chaos.ts';
import { runRogueAgent, type RogueAttempt } from './rogue.ts';
import { seedNetwork } from './seed.ts';
import { DEMO_AUDIENCE, DEMO_ISSUER, startDemoService, type DemoService } from './service.ts';
import { createSupervisor } from './supervisor.ts';
import { summarize, type DemoSummary, type LiveStatus } from './summary.ts';
import { createTracker } from './tracker.ts';

export type ChaosScenario = 'insurance' | 'matcher' | 'ping-pong' | 'rogue';

export interface DemoOptions {
  readonly count: number;
  /** Referrals per second intake requests. */
  readonly rate: number;
  readonly port: number;
  /** SQLite file or neo4j:// URL of an empty database; default: a temp SQLite file removed at the end. */
  readonly store?: string;
  readonly natsUrl?: string;
  readonly chaos: readonly ChaosScenario[];
  /** How the notification agent reaches trailgraph: MCP tools only (default) or the GraphQL client. */
  readonly notifier?: 'mcp' | 'graphql';
  /** How long --chaos stops the insurance agent (ms). */
  readonly stallMs?: number;
  readonly seed: number;
  /**
   * Auth on (default): the service checks every request against the referral access policy, each agent process
   * has its own token and role, the page gets a read-only token. `--chaos rogue` needs it.
   */
  readonly auth?: boolean;
  /** Give up after this long (ms). */
  readonly timeoutMs: number;
  /** Called every status tick (terminal UI). */
  readonly onStatus?: (status: LiveStatus) => void;
  /** Called once the service listens: the page URL carries the page's read-only token when auth is on. */
  readonly onListening?: (url: string, logPath: string, pageUrl: string) => void;
}

export interface DemoRun {
  readonly summary: DemoSummary;
  /** Still running when keepOpen: stops the service and removes temp files. */
  close(): Promise<void>;
}

const MARK = 'needs-insurance-check';

/**
 * The demo's ids are fixed (p-0001, r-0001, …) and its agents skip work the graph shows done, so a graph left by an
 * earlier run would make this one wait for referrals that never move. Refuse it up front, saying what to do.
 */
async function requireEmpty(store: GraphStore, where: string): Promise<void> {
  const head = await store.headSeq();
  if (head > 0) {
    throw new ConfigError('--store', `the demo needs an empty graph, but ${where.replace(/\/\/[^@/]*@/, '//')} already holds ${head} ledger entries; give a new SQLite path, or empty the Neo4j database first (MATCH (n) DETACH DELETE n)`);
  }
}
/** True once the loop breaker dead-lettered an event (reason causal-loop). */
async function loopBreakerFired(runtime: DemoService['runtime']): Promise<boolean> {
  return (await runtime.deadLetters.list({ limit: 10_000 })).some((l) => l.reason === 'causal-loop');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Each demo agent's role in ontology/referral/policy (the ping-pong triage agents triage as intake does). */
const ROLES: Readonly<Record<string, string>> = {
  seed: 'seed', intake: 'intake', insurance: 'insurance', lab: 'lab', 'matcher-1': 'matcher', 'matcher-2': 'matcher',
  scheduler: 'scheduler', notifier: 'notifier', 'triage-cautious': 'intake', 'triage-relaxed': 'intake', page: 'observer', rogue: 'insurance',
};

/** A fresh secret for this run and a token per agent name (long enough for --keep-open). */
async function demoTokens(): Promise<{ secret: string; tokens: Map<string, string> }> {
  const secret = randomBytes(32).toString('hex');
  const tokens = new Map<string, string>();
  for (const [name, role] of Object.entries(ROLES)) {
    tokens.set(name, await issueToken({ secret, agent: `agent://${name}`, roles: [role], issuer: DEMO_ISSUER, audience: DEMO_AUDIENCE, ttlSec: 7 * 24 * 3600 }));
  }
  return { secret, tokens };
}

export async function runDemo(options: DemoOptions): Promise<DemoRun> {
  const dir = mkdtempSync(join(tmpdir(), 'trailgraph-demo-'));
  const storePath = options.store ?? join(dir, 'graph.db');
  const logPath = join(dir, 'agents.log');
  let service: DemoService | undefined;
  const tracker = createTracker();
  const t0 = Date.now();
  try {
    const auth = options.auth === false ? undefined : await demoTokens();
    if (!auth && options.chaos.includes('rogue')) throw new ConfigError('--chaos rogue', 'the rogue agent is only refused with auth on; drop --no-auth');
    service = await startDemoService({
      port: options.port, storePath, deadLettersPath: join(dir, 'dead-letters.db'), ...(options.natsUrl && { natsUrl: options.natsUrl }), ...(auth && { authSecret: auth.secret }),
    });
    const { runtime, marks } = service;
    await requireEmpty(runtime.store, storePath);
    const pageToken = auth?.tokens.get('page');
    options.onListening?.(service.url, logPath, `${service.url}/demo${pageToken ? `#token=${pageToken}` : ''}`);
    const seedToken = auth?.tokens.get('seed');
    await seedNetwork(createClient({ url: service.url, agent: 'agent://seed', ...(seedToken && { token: seedToken }) }), options.seed);

    const supervisor = createSupervisor({ url: service.url, seed: options.seed, logPath, ...(auth && { tokens: auth.tokens }), onReport: (name, r) => tracker.onReport(name, r) });
    // --chaos rogue: once some agent holds a claim, a process with a valid insurance token attacks the service.
    let heldClaim: { node: string; purpose: string; token: number; agent: string } | undefined;
    let rogue: Promise<RogueAttempt[]> | undefined;
    const startRogue = (): void => {
      const token = auth?.tokens.get('rogue');
      if (rogue || !token || !heldClaim || !options.chaos.includes('rogue')) return;
      rogue = runRogueAgent({ url: service?.url ?? '', agent: 'agent://rogue', token, referralId: heldClaim.node, heldClaim });
    };
    const insuranceChaos = options.chaos.includes('insurance')
      ? createInsuranceChaos({ supervisor, tracker, count: options.count, t0, stallMs: options.stallMs ?? Math.min(15_000, Math.max(4000, (options.count / options.rate) * 350)) })
      : undefined;
    const matcherChaos = options.chaos.includes('matcher') ? createMatcherChaos({ supervisor, tracker, count: options.count, t0 }) : undefined;

    // The runner's own window on the environment: every committed mark, pushed in-process.
    const watching = new AbortController();
    const watch = (async () => {
      let after = 0;
      while (!watching.signal.aborted) {
        const sub = marks.feed.subscribe({}, { after, signal: watching.signal, queueLimit: 100_000 });
        try {
          for await (const mark of sub) {
            tracker.onMark(mark);
            if (insuranceChaos && mark.kind === 'event' && mark.type === 'ReferralRequested') insuranceChaos.onRequested();
            for (const c of mark.changes) {
              if (c.kind !== 'claim' || c.change !== 'granted') continue;
              if (matcherChaos && c.purpose === 'match') matcherChaos.onClaimGranted(c.agent);
              if (!heldClaim && c.purpose === 'match') {
                heldClaim = { node: c.on.id, purpose: c.purpose, token: c.token, agent: c.agent };
                startRogue();
              }
            }
          }
        } catch {
          // cut off (slow) or closing: resume where it stopped
        }
        after = sub.resumeAfterSeq;
      }
    })();

    const baseline = marks.feed.stats().subscribers;
    for (const [script, name] of [['insurance', 'insurance'], ['lab', 'lab'], ['matcher', 'matcher-1'], ['matcher', 'matcher-2'], ['scheduler', 'scheduler'], [options.notifier === 'graphql' ? 'notifier' : 'notifier-mcp', 'notifier']] as const) {
      supervisor.start({ script, name });
    }
    if (options.chaos.includes('ping-pong')) {
      // Two triage agents with opposite rules, each re-triaging whatever the other decided: a feedback loop.
      supervisor.start({ script: 'triage', name: 'triage-cautious', args: ['--level', 'urgent', '--start', '1'] });
      supervisor.start({ script: 'triage', name: 'triage-relaxed', args: ['--level', 'routine'] });
    }
    // Intake starts once the others listen, so the first marks are pushed, not swept up: 9 mark streams (insurance 2,
    // lab 1, matchers 2 each, scheduler 1, notifier 1), and with ping-pong the triage agents' 2 each — they have no
    // sweep, so a triage they miss never starts the loop the scenario is about.
    const streams = 9 + (options.chaos.includes('ping-pong') ? 4 : 0);
    const listening = Date.now();
    while (marks.feed.stats().subscribers < baseline + streams && Date.now() - listening < 60_000) await sleep(100);
    supervisor.start({ script: 'intake', name: 'intake', args: ['--count', String(options.count), '--rate', String(options.rate)] });

    const backlog = async (): Promise<number> =>
      (await runtime.store.listNodes({ class: 'Referral', marks: [{ kind: MARK }], first: 1, includeTotal: true })).totalCount ?? 0;
    const deadline = t0 + options.timeoutMs;
    // With ping-pong the run also waits (to the deadline) for the loop breaker: on a slow store the two triage agents'
    // chain can take longer than the referrals do.
    const pingPong = options.chaos.includes('ping-pong');
    let loopStopped = false;
    let status: LiveStatus | undefined;
    for (;;) {
      const waiting = await backlog();
      insuranceChaos?.tick(waiting);
      status = {
        elapsedMs: Date.now() - t0,
        count: options.count,
        counts: Object.fromEntries(tracker.counts),
        backlog: waiting,
        deadLetters: await runtime.deadLetters.count(),
        insuranceStalled: insuranceChaos?.stalled ?? false,
        matcherKilled: matcherChaos?.killed ?? false,
      };
      options.onStatus?.(status);
      const done = tracker.count('ReferralCompleted') >= options.count && (!insuranceChaos?.report || insuranceChaos.report.drainedAtMs !== undefined)
        && (!pingPong || (loopStopped ||= await loopBreakerFired(runtime)));
      if (done || Date.now() > deadline) break;
      await sleep(250);
    }
    const finishedAt = Date.now();
    // Let in-flight reactions land before measuring, then stop the agents.
    await sleep(300);
    await supervisor.stopAll();
    watching.abort();
    await watch;
    const rogueAttempts = rogue ? await rogue : undefined;
    const summarized = await summarize({
      runtime, tracker, count: options.count, scenarios: options.chaos, t0, finishedAt, url: service.url, storePath, logPath, auth: auth !== undefined,
      ...(options.chaos.includes('rogue') && { rogue: rogueAttempts ?? [] }),
      ...(insuranceChaos?.report && { insurance: insuranceChaos.report }),
      ...(matcherChaos && { matcher: matcherChaos.report() }),
    });
    // The process no orchestrator wrote down: one referral's chain of agents, from the ledger.
    const traced = [...tracker.acceptedBy.keys()].sort()[0];
    const process = traced === undefined ? undefined : await reconstructProcess(runtime.store, `request-${traced}`);
    const summary = process && traced !== undefined
      ? { ...summarized, causalChain: { referralId: traced, agents: process.agents, steps: process.steps.length, text: formatProcess(process) } }
      : summarized;
    const svc = service;
    return {
      summary,
      async close() {
        await svc.close();
        // The temp store goes; the agents' log stays for reading (its path is in the summary).
        if (!options.store) for (const f of ['graph.db', 'graph.db-wal', 'graph.db-shm']) rmSync(join(dir, f), { force: true });
      },
    };
  } catch (err) {
    await service?.close();
    throw err;
  }
}
