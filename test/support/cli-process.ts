/**
 * The `trailgraph` command run to completion as a user runs it (stdout and stderr are pipes, not a terminal),
 * bounded: killed after `timeoutMs`. The caller's TRAILGRAPH_STORE / TRAILGRAPH_NATS_URL / TRAILGRAPH_URL /
 * TRAILGRAPH_TOKEN are cleared so a developer's environment cannot change what a test runs against; `env` adds to it.
 */
import { spawn } from 'node:child_process';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runTrailgraph(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const env = { ...process.env, TRAILGRAPH_STORE: '', TRAILGRAPH_NATS_URL: '', TRAILGRAPH_URL: '', TRAILGRAPH_TOKEN: '', ...options.env };
    const child = spawn(process.execPath, ['bin/trailgraph.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
