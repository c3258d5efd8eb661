/**
 * Drives an HTTP server with `wrk` (a C load generator, its own process) and reads back what it measured and what
 * it cost: requests, latency percentiles (wrk's own statistics, printed as JSON by wrk-graphql.lua), errors (transport, non-200 and GraphQL `errors`), the generator's own CPU time, and the CPU time the
 * server process spent in the same interval (/proc/<pid>/stat). The point of the split: a load generator on the
 * same cores as the server takes CPU from it, so every figure says what the generator consumed.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const WRK_SCRIPT = join(import.meta.dirname, 'wrk-graphql.lua');

/** One GraphQL request shape: a JSON body in which `$ID` becomes `idPrefix` + a random integer in [0, ids). */
/** How long and how hard every wrk-driven bench loads the server. */
export interface LoadOptions {
  readonly seconds: number;
  readonly rounds: number;
  readonly connections: number;
  readonly threads: number;
  readonly wrk?: string;
}

/** A bench argument the user got wrong: bench/run.ts prints the message and `--help`, not a stack. */
export class UsageError extends Error {}

type LoadArgName = 'seconds' | 'rounds' | 'connections' | 'threads' | 'wrk';

/** The `parseArgs` options behind LoadOptions, with the bench's own defaults (one thread, Debian's `wrk`). */
export function loadArgs(defaults: { seconds: number; rounds: number; connections: number }) {
  return {
    seconds: { type: 'string', default: String(defaults.seconds) },
    rounds: { type: 'string', default: String(defaults.rounds) },
    connections: { type: 'string', default: String(defaults.connections) },
    threads: { type: 'string', default: '1' },
    wrk: { type: 'string', default: 'wrk' },
  } as const;
}

/** LoadOptions from parsed arguments; a count that is not a positive whole number is refused by its flag's name. */
export function loadOptions(values: Readonly<Record<LoadArgName, string>>): LoadOptions {
  const count = (name: Exclude<LoadArgName, 'wrk'>): number => {
    const n = Number(values[name]);
    if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive whole number, got "${values[name]}"`);
    return n;
  };
  return { seconds: count('seconds'), rounds: count('rounds'), connections: count('connections'), threads: count('threads'), wrk: values.wrk };
}

export interface WrkBody {
  readonly template: string;
  readonly idPrefix?: string;
  readonly ids?: number;
}

export interface WrkOptions {
  readonly url: string;
  readonly body: WrkBody;
  readonly seconds: number;
  readonly connections: number;
  readonly threads: number;
  /** The server's CPU seconds so far (e.g. `processCpuSeconds(pid)`): read before and after the run. */
  readonly serverCpu?: () => number;
  readonly wrk?: string;
}

/** What one wrk run measured. Latencies in µs. */
export interface WrkRun {
  readonly requests: number;
  readonly seconds: number;
  readonly errors: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  /** CPU seconds (user + system) of the wrk process. */
  readonly generatorCpu: number;
  /** CPU seconds (user + system, all threads) of the server's processes during the run; NaN when not asked. */
  readonly serverCpu: number;
}

/** The parsed `WRK_JSON` line printed by wrk-graphql.lua's `done()`. */
export interface WrkSummary {
  readonly requests: number;
  readonly duration_us: number;
  readonly connect_errors: number;
  readonly read_errors: number;
  readonly write_errors: number;
  readonly status_errors: number;
  readonly timeouts: number;
  readonly graphql_errors: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

/** Reads the `WRK_JSON` line out of wrk's stdout; throws with the output when it is missing. */
export function parseWrkOutput(stdout: string): WrkSummary {
  const line = stdout.split('\n').find((l) => l.startsWith('WRK_JSON '));
  if (!line) throw new Error(`wrk printed no WRK_JSON line:\n${stdout.slice(0, 2000)}`);
  return JSON.parse(line.slice('WRK_JSON '.length)) as WrkSummary;
}

/** The fields of /proc/<pid>/stat after the parenthesised command name (which may contain spaces), from field 3. */
function statFields(pid: number | 'self'): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // the process ended
  }
}

/** CPU seconds (utime + stime, fields 14 and 15) of a live process, all its threads, from /proc/<pid>/stat. */
export function processCpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS : 0;
}

/**
 * CPU seconds of a process and its direct children, live or ended (PostgreSQL: the postmaster and its backends). A
 * child that ended and was reaped is in the parent's cutime/cstime (fields 16, 17); without them a backend or an
 * autovacuum worker ending during a run would take its whole lifetime's CPU out of the difference.
 */
export function processTreeCpuSeconds(pid: number): number {
  const own = statFields(pid);
  if (!own) return 0;
  let total = (Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14])) / CLOCK_TICKS;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields && Number(fields[1]) === pid) total += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  }
  return total;
}

/** USER_HZ: 100 on every Linux this runs on (`getconf CLK_TCK`). */
const CLOCK_TICKS = 100;

/**
 * Runs wrk once. wrk runs under a shell that, after waiting for it, prints its own children's CPU times
 * (`cutime`/`cstime` from /proc/self/stat, which count wrk once reaped) — wrk's CPU without /usr/bin/time.
 */
export async function runWrk(o: WrkOptions): Promise<WrkRun> {
  const args = ['-t', String(o.threads), '-c', String(o.connections), '-d', `${o.seconds}s`, '--timeout', '10s', '-s', WRK_SCRIPT, o.url, '--', o.body.template, o.body.idPrefix ?? '', String(o.body.ids ?? 0)];
  const script = '"$@"; s=$?; read -r stat < /proc/$$/stat; echo "SHELL_STAT ${stat##*) }"; exit $s';
  const serverBefore = o.serverCpu?.() ?? NaN;
  const child = spawn('sh', ['-c', script, 'sh', o.wrk ?? 'wrk', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  const serverAfter = o.serverCpu?.() ?? NaN;
  if (code !== 0) throw new Error(`wrk exited with ${code}: ${stderr.slice(0, 2000)}${stdout.slice(0, 2000)}`);
  const summary = parseWrkOutput(stdout);
  return {
    requests: summary.requests,
    seconds: summary.duration_us / 1e6,
    errors: summary.connect_errors + summary.read_errors + summary.write_errors + summary.timeouts + summary.graphql_errors,
    p50: summary.p50,
    p90: summary.p90,
    p99: summary.p99,
    p999: summary.p999,
    generatorCpu: shellChildrenCpu(stdout),
    serverCpu: serverAfter - serverBefore,
  };
}

/** cutime + cstime (fields 16, 17) of the wrapping shell: its reaped children, i.e. wrk. */
function shellChildrenCpu(stdout: string): number {
  const line = stdout.split('\n').find((l) => l.startsWith('SHELL_STAT '));
  if (!line) return NaN;
  const fields = line.slice('SHELL_STAT '.length).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Rounds of one query combined: requests, seconds, errors and CPU summed; each percentile the median of the
 * rounds' (wrk reports percentiles, not its histogram, so rounds cannot be merged exactly).
 */
export function combineRuns(runs: readonly WrkRun[]): WrkRun {
  const sum = (f: (r: WrkRun) => number) => runs.reduce((s, r) => s + f(r), 0);
  const med = (f: (r: WrkRun) => number) => median(runs.map(f));
  return {
    requests: sum((r) => r.requests), seconds: sum((r) => r.seconds), errors: sum((r) => r.errors),
    p50: med((r) => r.p50), p90: med((r) => r.p90), p99: med((r) => r.p99), p999: med((r) => r.p999),
    generatorCpu: sum((r) => r.generatorCpu), serverCpu: sum((r) => r.serverCpu),
  };
}
