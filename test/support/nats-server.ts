/**
 * Starts a real nats-server for a test file, the way nats.js's own test helper does: a temp config, a free port
 * written to a ports file, a fresh JetStream store dir. No test touches the machine's shared broker on 4222.
 *
 * The JetStream block includes deploy/nats/jetstream.conf and a cluster block includes deploy/nats/cluster.conf —
 * the files the docker-compose nodes include — so the tests run the deployed settings (`sync_interval: always`,
 * limits) on the pinned release (nats-binary.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { announceNatsServer, natsServerBinary, REPO_ROOT } from './nats-binary.ts';

export { hasNatsServer, natsServerBinary, natsServerVersion, PINNED_NATS_VERSION } from './nats-binary.ts';

export interface NatsServerOptions {
  readonly jetstream?: boolean;
  /** Extra config lines appended to the generated config. */
  readonly extraConfig?: string;
  /** `server_name` (a cluster needs unique names; the stream leader is reported by it). */
  readonly serverName?: string;
  /** Joins a cluster: this node's route port and every node's route port (its own is ignored by the server). */
  readonly cluster?: { readonly port: number; readonly routes: readonly number[] };
  /** How long to wait for the server to come up (default 10 s; a cluster node waits for its peers elsewhere). */
  readonly readyTimeoutMs?: number;
}

export interface NatsServer {
  readonly url: string;
  readonly port: number;
  /** The HTTP monitoring port (`/healthz`, `/jsz`), changing on restart. */
  readonly monitorPort: number;
  readonly serverName: string;
  readonly storeDir: string;
  /** Graceful stop; removes the temp dirs. */
  stop(): Promise<void>;
  /** SIGKILL, keeping the store dir (as a crash would). */
  kill9(): Promise<void>;
  /** Starts again on the same ports and store dir, so JetStream state survives. */
  restart(): Promise<void>;
  /** SIGSTOP: the process freezes (sockets stay open, nothing is answered) until resume(). */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** True while the process runs (also when paused). */
  readonly running: boolean;
  /** The process id (benchmarks read its CPU time from /proc). */
  readonly pid: number | undefined;
}

const SHARED_JETSTREAM = join(REPO_ROOT, 'deploy', 'nats', 'jetstream.conf');
const SHARED_CLUSTER = join(REPO_ROOT, 'deploy', 'nats', 'cluster.conf');

/** The generated config: node-specific lines around includes of the shared deploy/nats files. */
function configText(dir: string, o: NatsServerOptions, name: string, port: number, storeDir: string, portsDir: string): string {
  const include = (file: string): string => `  include "${relative(dir, file)}"`;
  const lines = [
    `server_name: ${name}`,
    `listen: 127.0.0.1:${port}`,
    'http: 127.0.0.1:-1',
    `ports_file_dir: "${portsDir}"`,
  ];
  if (o.jetstream !== false) lines.push('jetstream {', `  store_dir: "${storeDir}"`, include(SHARED_JETSTREAM), '}');
  if (o.cluster) {
    lines.push('cluster {', `  listen: 127.0.0.1:${o.cluster.port}`, '  routes: [');
    for (const p of o.cluster.routes) lines.push(`    nats-route://127.0.0.1:${p}`);
    lines.push('  ]', include(SHARED_CLUSTER), '}');
  }
  if (o.extraConfig) lines.push(o.extraConfig);
  return lines.join('\n') + '\n';
}

let serial = 0;

export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const bin = natsServerBinary();
  announceNatsServer(bin);
  const dir = mkdtempSync(join(tmpdir(), 'tg-nats-'));
  const storeDir = join(dir, 'jetstream');
  const portsDir = join(dir, 'ports');
  const name = options.serverName ?? `tg-test-${process.pid}-${++serial}`;
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  let port = -1;
  let monitorPort = -1;
  let child: ChildProcess | undefined;
  let paused = false;

  const launch = async (): Promise<void> => {
    rmSync(portsDir, { recursive: true, force: true });
    mkdirSync(portsDir, { recursive: true });
    const conf = join(dir, 'server.conf');
    writeFileSync(conf, configText(dir, options, name, port, storeDir, portsDir));
    const proc = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    paused = false;
    let stderr = '';
    proc.stderr?.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-4000);
    });
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`nats-server ${name} exited with ${proc.exitCode}: ${stderr}`);
      const file = existsSync(portsDir) ? readdirSync(portsDir).find((f) => f.endsWith('.ports')) : undefined;
      if (file) {
        try {
          const ports = JSON.parse(readFileSync(join(portsDir, file), 'utf8')) as { nats?: string[]; monitoring?: string[] };
          const u = ports.nats?.[0];
          const m = ports.monitoring?.[0];
          if (u && m) {
            port = Number(new URL(u).port);
            monitorPort = Number(new URL(m).port);
            // The ports file is written once the client listener is up; JetStream may lag a little behind.
            if (options.jetstream === false || stderr.includes('Server is ready')) return;
          }
        } catch {
          // partially written; retry
        }
      }
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`nats-server ${name} did not become ready in ${readyTimeoutMs} ms: ${stderr}`);
      }
      await sleep(25);
    }
  };

  const alive = (proc: ChildProcess | undefined): proc is ChildProcess => !!proc && proc.exitCode === null && proc.signalCode === null;
  const waitExit = async (proc: ChildProcess | undefined): Promise<void> => {
    if (!alive(proc)) return;
    await new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  };
  /** SIGTERM (continuing a paused process first), SIGKILL if it has not exited after 15 s. */
  const terminate = async (): Promise<void> => {
    const proc = child;
    if (!alive(proc)) return;
    if (paused) proc.kill('SIGCONT');
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    await waitExit(proc);
    clearTimeout(timer);
  };

  await launch();
  const server: NatsServer = {
    get url() {
      return `nats://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    get monitorPort() {
      return monitorPort;
    },
    get running() {
      return alive(child);
    },
    get pid() {
      return child?.pid;
    },
    serverName: name,
    storeDir,
    async stop() {
      await terminate();
      rmSync(dir, { recursive: true, force: true });
    },
    async kill9() {
      const proc = child;
      proc?.kill('SIGKILL');
      await waitExit(proc);
    },
    async restart() {
      await terminate();
      // Same port: the listen line now carries the port picked the first time.
      for (let attempt = 0; ; attempt++) {
        try {
          await launch();
          return;
        } catch (err) {
          if (attempt >= 20) throw err;
          await sleep(100); // the old socket may linger briefly
        }
      }
    },
    pause() {
      if (alive(child)) {
        child.kill('SIGSTOP');
        paused = true;
      }
    },
    resume() {
      if (alive(child) && paused) {
        child.kill('SIGCONT');
        paused = false;
      }
    },
  };
  return server;
}
