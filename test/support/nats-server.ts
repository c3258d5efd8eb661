/**
 * Starts a real nats-server for a test file, the way nats.js's own test helper does: a temp config, a free port
 * written to a ports file, a fresh JetStream store dir. No test touches the machine's shared broker on 4222.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface NatsServerOptions {
  readonly jetstream?: boolean;
  /** Extra config lines appended to the generated config. */
  readonly extraConfig?: string;
}

export interface NatsServer {
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  /** Graceful stop; removes the temp dirs. */
  stop(): Promise<void>;
  /** SIGKILL, keeping the store dir (as a crash would). */
  kill9(): Promise<void>;
  /** Starts again on the same port and store dir, so JetStream state survives. */
  restart(): Promise<void>;
}

/** Finds the nats-server binary: PATH first, then Debian's /usr/sbin. */
export function natsServerBinary(): string {
  const which = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' });
  const found = which.status === 0 ? which.stdout.trim() : '';
  if (found) return found;
  if (existsSync('/usr/sbin/nats-server')) return '/usr/sbin/nats-server';
  throw new Error('nats-server not found on PATH — install it: apt-get install nats-server');
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

export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const bin = natsServerBinary();
  const dir = mkdtempSync(join(tmpdir(), 'tg-nats-'));
  const storeDir = join(dir, 'jetstream');
  const portsDir = join(dir, 'ports');
  rmSync(portsDir, { recursive: true, force: true });
  let port = -1;
  let child: ChildProcess | undefined;

  const writeConfig = (): string => {
    const conf = join(dir, 'server.conf');
    const lines = [
      'listen: 127.0.0.1:' + String(port),
      'http: -1',
      `ports_file_dir: "${portsDir}"`,
      options.jetstream === false ? '' : `jetstream { store_dir: "${storeDir}" }`,
      options.extraConfig ?? '',
    ];
    writeFileSync(conf, lines.join('\n') + '\n');
    return conf;
  };

  const launch = async (): Promise<void> => {
    rmSync(portsDir, { recursive: true, force: true });
    mkdirSync(portsDir, { recursive: true });
    const conf = writeConfig();
    const proc = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-4000);
    });
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`nats-server exited with ${proc.exitCode}: ${stderr}`);
      const file = existsSync(portsDir) ? readdirSync(portsDir).find((f) => f.endsWith('.ports')) : undefined;
      if (file) {
        try {
          const ports = JSON.parse(readFileSync(join(portsDir, file), 'utf8')) as { nats?: string[] };
          const u = ports.nats?.[0];
          if (u) {
            port = Number(new URL(u).port);
            // The ports file is written once the client listener is up; JetStream may lag a little behind.
            if (options.jetstream === false || stderr.includes('Server is ready')) return;
          }
        } catch {
          // partially written; retry
        }
      }
      if (Date.now() > deadline) throw new Error(`nats-server did not become ready in 10 s: ${stderr}`);
      await sleep(25);
    }
  };

  const waitExit = async (proc: ChildProcess | undefined): Promise<void> => {
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  };

  await launch();
  const server: NatsServer = {
    get url() {
      return `nats://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    storeDir,
    async stop() {
      const proc = child;
      proc?.kill('SIGTERM');
      await waitExit(proc);
      rmSync(dir, { recursive: true, force: true });
    },
    async kill9() {
      const proc = child;
      proc?.kill('SIGKILL');
      await waitExit(proc);
    },
    async restart() {
      const proc = child;
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        await waitExit(proc);
      }
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
  };
  return server;
}
