/**
 * Which nats-server the tests run: the release pinned in deploy/nats/VERSION (the one docker-compose.yml deploys),
 * built by `.ci/run` with `go install` into the cache below. A server from the PATH (a distribution's, often years
 * old) is used only outside CI and with a warning; in CI a missing pinned build is an error.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root (this file is test/support/nats-binary.ts). */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** The pinned nats-server release, e.g. `2.14.10`. */
export const PINNED_NATS_VERSION = readFileSync(join(REPO_ROOT, 'deploy', 'nats', 'VERSION'), 'utf8').trim();

/** Where `.ci/run` builds the pinned release (`GOBIN=<dir> go install github.com/nats-io/nats-server/v2@v<version>`). */
export function pinnedNatsServerPath(): string {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'trailgraph', `nats-server-v${PINNED_NATS_VERSION}`, 'nats-server');
}

const BUILD_HINT = `build it: GOBIN=$(dirname ${pinnedNatsServerPath()}) go install github.com/nats-io/nats-server/v2@v${PINNED_NATS_VERSION} (or run .ci/run)`;

/**
 * The nats-server binary: TRAILGRAPH_NATS_SERVER when set, else the pinned build, else (outside CI only) one on the
 * PATH or Debian's /usr/sbin/nats-server.
 */
export function natsServerBinary(): string {
  const explicit = process.env.TRAILGRAPH_NATS_SERVER;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`TRAILGRAPH_NATS_SERVER=${explicit} does not exist`);
    return explicit;
  }
  const pinned = pinnedNatsServerPath();
  if (existsSync(pinned)) return pinned;
  if (process.env.CI === 'true') throw new Error(`the pinned nats-server v${PINNED_NATS_VERSION} is not built at ${pinned}: ${BUILD_HINT}`);
  const which = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' });
  const found = which.status === 0 ? which.stdout.trim() : '';
  if (found) return found;
  if (existsSync('/usr/sbin/nats-server')) return '/usr/sbin/nats-server';
  throw new Error(`nats-server not found: ${BUILD_HINT}`);
}

/** True when a nats-server binary is available (tests skip only outside CI when false). */
export function hasNatsServer(): boolean {
  try {
    natsServerBinary();
    return true;
  } catch {
    return false;
  }
}

let announced: string | undefined;

/** `v2.14.10` — the version the binary reports. */
export function natsServerVersion(bin = natsServerBinary()): string {
  const out = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  const m = /v(\d+\.\d+\.\d+\S*)/.exec(out.stdout ?? '');
  if (out.status !== 0 || !m) throw new Error(`${bin} --version failed: ${out.stderr || out.stdout}`);
  return `v${m[1]}`;
}

/**
 * Prints, once per process, which server the tests run on (a `#` line: the test reporter shows it as a comment),
 * warning when it is not the pinned release.
 */
export function announceNatsServer(bin: string): void {
  if (announced === bin) return;
  announced = bin;
  const version = natsServerVersion(bin);
  const pinned = version === `v${PINNED_NATS_VERSION}`;
  process.stdout.write(`nats-server ${version} (${bin})${pinned ? '' : ` — NOT the pinned v${PINNED_NATS_VERSION}: ${BUILD_HINT}`}\n`);
}
