/**
 * A private PostgreSQL cluster for the peer benchmark: `initdb` into a temporary directory, started with `pg_ctl` on
 * a free loopback port (socket in the same directory), stopped and removed afterwards. PostgreSQL refuses to run as
 * root, so when this process is root the cluster runs as the `postgres` system user (`runuser`). Durability is off
 * (fsync, synchronous_commit): the benchmark only reads, and seeding should not wait on this VM's disk.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './serve-process.ts';

/** Where Debian installs PostgreSQL 15's server programs. */
export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PostgresCluster {
  readonly port: number;
  readonly connectionString: string;
  /** The postmaster's pid (its backends are its children). */
  readonly pid: number;
  /** Runs SQL through psql (ON_ERROR_STOP), returns its output. */
  psql(sql: string): string;
  stop(): void;
}

/** Runs a PostgreSQL program, as the postgres user when this process is root. */
function run(program: string, args: readonly string[], input?: string): string {
  const asRoot = process.getuid?.() === 0;
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, [...args]];
  return execFileSync(cmd, argv, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

export async function startPostgres(): Promise<PostgresCluster> {
  if (!existsSync(join(PG_BIN, 'initdb'))) throw new Error(`PostgreSQL not found at ${PG_BIN} (apt-get install postgresql-15, or set PG_BIN)`);
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  try {
    run(join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    const options = [`-p ${port}`, `-k ${dir}`, "-c listen_addresses='127.0.0.1'", '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c shared_buffers=256MB', '-c max_connections=50'].join(' ');
    run(join(PG_BIN, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'postgres.log'), '-w', '-t', '60', 'start']);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    port,
    pid,
    connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`,
    psql: (sql) => run('/usr/bin/psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q', '-X', '-A', '-t', '-f', '-'], sql),
    stop: () => {
      spawnSync(process.getuid?.() === 0 ? 'runuser' : join(PG_BIN, 'pg_ctl'), process.getuid?.() === 0 ? ['-u', 'postgres', '--', join(PG_BIN, 'pg_ctl'), '-D', data, '-m', 'fast', '-w', 'stop'] : ['-D', data, '-m', 'fast', '-w', 'stop'], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
