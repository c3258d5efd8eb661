/**
 * What a user does with the published package, done for real: `npm pack` a package of this repository, install
 * the tarball into an empty directory, run things there. Installs use the npm cache first (`--prefer-offline`);
 * the registry is reachable for anything missing.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '..', '..');

/** One packed tarball and what it holds. */
export interface Packed {
  readonly tarball: string;
  readonly files: readonly string[];
  readonly size: number;
  readonly unpackedSize: number;
}

/** The outcome of a finished command. */
export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (asynchronously, so the test runner stays responsive); never throws on exit code. */
export function run(cmd: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Ran> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** `npm pack` of the package in `dir` (its prepack script builds dist/) into `dest`. */
export async function pack(dir: string, dest: string): Promise<Packed> {
  const res = await run(npm, ['pack', '--json', '--pack-destination', dest], { cwd: dir });
  if (res.code !== 0) throw new Error(`npm pack in ${dir} failed (${res.code}):\n${res.stderr}`);
  const [info] = JSON.parse(res.stdout) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[];
  if (!info) throw new Error(`npm pack printed no result:\n${res.stdout}`);
  return { tarball: join(dest, info.filename), files: info.files.map((f) => f.path).sort(), size: info.size, unpackedSize: info.unpackedSize };
}

/**
 * A new project in `dir` with the tarballs installed. Install scripts are skipped: the only native one is
 * better-sqlite3's, whose compile would take minutes here; `borrowSqliteBinary` stands in for its prebuilt download.
 */
export async function installConsumer(dir: string, tarballs: readonly string[]): Promise<Ran> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'consumer', private: true, type: 'module', allowScripts: { 'better-sqlite3': true, esbuild: false } }, null, 2)}\n`);
  const res = await run(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', ...tarballs], { cwd: dir });
  if (res.code !== 0) throw new Error(`npm install in ${dir} failed (${res.code}):\n${res.stderr}`);
  return res;
}

/** Copies this checkout's better-sqlite3 binary (built for the running Node) into the consumer's install. */
export function borrowSqliteBinary(consumerDir: string): void {
  const rel = join('node_modules', 'better-sqlite3', 'build', 'Release');
  mkdirSync(join(consumerDir, rel), { recursive: true });
  copyFileSync(join(ROOT, rel, 'better_sqlite3.node'), join(consumerDir, rel, 'better_sqlite3.node'));
}

/** `tsc --noEmit -p <dir>` with this repository's TypeScript. */
export function typecheck(dir: string): Promise<Ran> {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  return run(process.execPath, [tsc, '--noEmit', '-p', dir], { cwd: dir });
}

/** Lines npm printed as warnings or errors (EBADENGINE, deprecations, install-script notices, …). */
export function npmWarnings(res: Ran): string[] {
  return `${res.stdout}\n${res.stderr}`.split('\n').filter((l) => /^npm (warn|WARN|error|ERR)/.test(l));
}
