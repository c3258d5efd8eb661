/**
 * `trailgraph serve` as a child process for the HTTP benchmarks: production mode on a free loopback port, its pid
 * kept so a bench can read the server's CPU time, and optional extra Node flags (`--cpu-prof …`) to profile it under
 * load. The service has its own process so the load generator never shares its event loop.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A free loopback port (bound to port 0, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

/** A running server: its GraphQL URL, its pid, and how to stop it. */
export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** A SQLite file or a neo4j:// URI. */
  readonly store: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Node executable (default: this one). */
  readonly node?: string;
  /** Extra Node flags for the server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
  readonly nodeArgs?: readonly string[];
}

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'trailgraph.js');

/** Starts `trailgraph serve --mode production --insecure` and resolves once it prints its /graphql URL. */
export async function startServe(o: ServeOptions): Promise<ServerProcess> {
  const port = await freePort();
  const proc = spawn(o.node ?? process.execPath, [...(o.nodeArgs ?? []), BIN, 'serve', '--port', String(port), '--store', o.store, '--mode', 'production', '--insecure'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: o.env ?? process.env,
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('/graphql')) resolve();
    });
    proc.once('exit', (c) => reject(new Error(`serve exited ${c}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    pid: proc.pid!,
    // SIGINT: the service shuts down cleanly, so `--cpu-prof` writes its profile.
    stop: async () => {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGINT');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
