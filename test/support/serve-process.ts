/**
 * `trailgraph serve` as a user runs it: a real process on a free port, its URL read from the banner it prints.
 * For tests that need the whole command (start-up, banner, signals), not just the API in-process.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface ServeProcess {
  /** e.g. http://127.0.0.1:40123 (no trailing slash). */
  readonly url: string;
  readonly process: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Starts `trailgraph serve --port 0 …args` and waits (up to `timeoutMs`) for its GraphQL URL. */
export async function startServe(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['bin/trailgraph.js', 'serve', '--port', '0', ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const stop = async (graceMs = 10_000): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  for (;;) {
    const url = /GraphQL\s+(http:\/\/[^\s/]+)\/graphql/.exec(output)?.[1];
    if (url) return { url, process: child, output: () => output, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop(1000);
      throw new Error(`trailgraph serve ${args.join(' ')} did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
