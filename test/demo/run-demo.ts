/**
 * Runs `trailgraph demo referral` as a real process (the way a user does) and returns its JSON summary,
 * exit code and stderr. The temp log dir named in the summary is removed afterwards.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DemoSummary } from '../../src/demo/referral/summary.ts';

export interface DemoResult {
  readonly code: number | null;
  readonly summary: DemoSummary;
  readonly stderr: string;
}

export async function runDemoProcess(args: readonly string[], timeoutMs = 240_000): Promise<DemoResult> {
  const child = spawn(process.execPath, ['bin/trailgraph.js', 'demo', 'referral', '--json', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) throw new Error(`demo printed no JSON summary (exit ${code}); stderr:\n${stderr.slice(-3000)}`);
  const summary = JSON.parse(line) as DemoSummary;
  rmSync(dirname(summary.logPath), { recursive: true, force: true });
  return { code, summary, stderr };
}
