/**
 * Starts the agents as separate processes (`node agents/<name>.js --url … --agent …`, through tsx from the sources)
 * and listens to what they report on stdout (JSON lines). It starts and stops processes — and, for --chaos,
 * pauses or kills them — but it never tells an agent what to do: there is no orchestrator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One line an agent reported. */
export interface AgentReport {
  readonly type: string;
  readonly at: number;
  readonly [key: string]: unknown;
}

export interface AgentSpec {
  /** Script under agents/, e.g. `matcher`. */
  readonly script: string;
  /** Agent name, e.g. `matcher-2` (its identity is `agent://<name>`). */
  readonly name: string;
  readonly args?: readonly string[];
}

export interface RunningAgent {
  readonly name: string;
  readonly process: ChildProcess;
  exited: boolean;
}

const AGENTS_DIR = fileURLToPath(new URL('./agents', import.meta.url));
// Compiled (dist/*.js) the agents are plain JS; from the sources they run through tsx like the rest of the checkout.
const AGENT_ENTRY = import.meta.url.endsWith('.ts') ? { loader: ['--import', 'tsx'], ext: '.ts' } : { loader: [], ext: '.js' };

export interface Supervisor {
  readonly agents: ReadonlyMap<string, RunningAgent>;
  start(spec: AgentSpec): RunningAgent;
  pause(name: string): void;
  resume(name: string): void;
  kill9(name: string): void;
  /** SIGTERM every agent (SIGCONT first, so a paused one can exit), SIGKILL after `graceMs`. */
  stopAll(graceMs?: number): Promise<void>;
}

export interface SupervisorOptions {
  readonly url: string;
  readonly seed: number;
  readonly logPath: string;
  /** With auth on: each agent's own bearer token, by agent name (given to it as TRAILGRAPH_TOKEN). */
  readonly tokens?: ReadonlyMap<string, string>;
  onReport(name: string, r: AgentReport): void;
}

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const agents = new Map<string, RunningAgent>();
  const logFile: WriteStream = createWriteStream(options.logPath, { flags: 'a' });
  const signal = (name: string, sig: NodeJS.Signals): void => {
    const a = agents.get(name);
    if (a && !a.exited) a.process.kill(sig);
  };
  return {
    agents,
    start(spec) {
      const child = spawn(process.execPath, [...AGENT_ENTRY.loader, join(AGENTS_DIR, `${spec.script}${AGENT_ENTRY.ext}`), '--url', options.url, '--agent', `agent://${spec.name}`, '--seed', String(options.seed), ...(spec.args ?? [])], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_NO_WARNINGS: '1', TRAILGRAPH_TOKEN: options.tokens?.get(spec.name) ?? '' },
      });
      const running: RunningAgent = { name: spec.name, process: child, exited: false };
      agents.set(spec.name, running);
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        if (!line.startsWith('{')) return void logFile.write(`[${spec.name}] ${line}\n`);
        try {
          options.onReport(spec.name, JSON.parse(line) as AgentReport);
        } catch {
          logFile.write(`[${spec.name}] unparsable report: ${line}\n`);
        }
      });
      child.stderr?.pipe(logFile, { end: false });
      child.on('exit', (code, sig) => {
        running.exited = true;
        logFile.write(`[supervisor] ${spec.name} exited (${sig ?? code})\n`);
      });
      return running;
    },
    pause: (name) => signal(name, 'SIGSTOP'),
    resume: (name) => signal(name, 'SIGCONT'),
    kill9: (name) => signal(name, 'SIGKILL'),
    async stopAll(graceMs = 3000) {
      const alive = [...agents.values()].filter((a) => !a.exited);
      await Promise.all(alive.map((a) => new Promise<void>((resolve) => {
        const t = setTimeout(() => a.process.kill('SIGKILL'), graceMs);
        a.process.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        a.process.kill('SIGCONT');
        a.process.kill('SIGTERM');
      })));
      await new Promise<void>((resolve) => logFile.end(resolve));
    },
  };
}
