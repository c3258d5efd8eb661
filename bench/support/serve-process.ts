/**
 * `trailgraph serve` as a child process for the HTTP benchmarks: production mode on a free loopback port, its pid
 * kept so a bench can read the server's CPU time, and optional extra Node flags (`--cpu-prof …`) to profile it under
 * load. The service has its own process so the load generator never shares its event loop.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
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
  /**
   * Run the compiled package (dist/, built once per process) as an installed trailgraph does, rather than the
   * source through tsx: tsx's transform wraps every named closure in a `__name` call, a few µs per request that
   * users never pay.
   */
  readonly compiled?: boolean;
}

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'trailgraph.js');
const SHIM = join(import.meta.dirname, 'sqlite-binding-shim.cjs');
let built: string | undefined;

/** The compiled CLI, built from this checkout's src/ on first use (scripts/build.mjs, ~15 s), so never stale. */
export function compiledCli(): string {
  if (built) return built;
  const res = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (res.status !== 0) throw new Error('scripts/build.mjs failed: the bench cannot run the compiled server (see above; --source runs it through tsx)');
  return (built = join(ROOT, 'dist', 'cli', 'main.js'));
}

/**
 * Flags and environment for running the server on `node`: nothing on this process's Node; on another Node (another
 * ABI) a preload that points better-sqlite3 at the binding built for that ABI, which .ci/run caches as
 * ~/.cache/trailgraph/better-sqlite3-<version>-abi<N>.node. node_modules is never rebuilt here: it is shared.
 */
export function nodeRuntime(node: string): { nodeArgs: string[]; env: NodeJS.ProcessEnv } {
  const abi = execFileSync(node, ['-p', 'process.versions.modules'], { encoding: 'utf8' }).trim();
  if (abi === process.versions.modules) return { nodeArgs: [], env: {} };
  const version = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')) as { version: string }).version;
  const binding = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'trailgraph', `better-sqlite3-${version}-abi${abi}.node`);
  if (!existsSync(binding)) throw new Error(`no better-sqlite3 ${version} binding for ABI ${abi} (${node}) at ${binding}: build it as .ci/run does (npm rebuild better-sqlite3 --build-from-source with that Node, in a scratch copy) and copy it there`);
  return { nodeArgs: ['--require', SHIM], env: { TG_BENCH_SQLITE_BINDING: binding } };
}

/** Starts `trailgraph serve --mode production --insecure` and resolves once it prints its /graphql URL. */
export async function startServe(o: ServeOptions): Promise<ServerProcess> {
  const port = await freePort();
  const runtime = nodeRuntime(o.node ?? process.execPath);
  const proc = spawn(o.node ?? process.execPath, [...runtime.nodeArgs, ...(o.nodeArgs ?? []), o.compiled ? compiledCli() : BIN, 'serve', '--port', String(port), '--store', o.store, '--mode', 'production', '--insecure'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...(o.env ?? process.env), ...runtime.env },
  });
  return serverProcess(proc, `http://127.0.0.1:${port}/graphql`, '/graphql', 'serve');
}

/**
 * Waits until `proc` prints `ready` on stdout and wraps it as a ServerProcess. stop() sends SIGINT so the server
 * shuts down cleanly (`--cpu-prof` writes its profile then), and SIGKILL if it is still up 15 s later.
 */
export async function serverProcess(proc: ChildProcess, url: string, ready: string, name: string): Promise<ServerProcess> {
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(ready)) resolve();
    });
    proc.once('exit', (c) => reject(new Error(`${name} exited ${c} before printing "${ready}"`)));
  });
  return {
    url,
    pid: proc.pid!,
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
