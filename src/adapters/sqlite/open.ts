/**
 * Opening the database file: directory, pragmas, migrations.
 *
 * Durability: WAL with `synchronous=NORMAL` (the default here) survives a crash of the process — a committed
 * transaction is in the WAL file before `commit` returns — but the last transactions may be lost on a power cut
 * or kernel panic. `synchronous: 'FULL'` fsyncs the WAL on every commit and survives those too, at a cost in
 * write throughput. `busy_timeout` lets several processes share one file: a writer waits for the lock instead of
 * failing at once.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './schema.ts';

export type SqliteDatabase = Database.Database;

/** Options shared by the graph store and the dead-letter store. */
export interface OpenOptions {
  /** Database file; `:memory:` for a private in-memory store. */
  readonly path: string;
  /** `NORMAL` (default): durable against process crash. `FULL`: durable against power loss too. */
  readonly synchronous?: 'NORMAL' | 'FULL';
  /** How long a writer waits for another process's lock before failing (ms). */
  readonly busyTimeoutMs?: number;
}

/** Opens (creating the directory and file if missing) and migrates the database. */
export function openDatabase({ path, synchronous = 'NORMAL', busyTimeoutMs = 10_000 }: OpenOptions): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = OFF');
  db.pragma('cache_size = -65536');
  migrate(db);
  return db;
}

/** Runs the migrations this file has not seen yet, each in an IMMEDIATE transaction (safe with other processes). */
export function migrate(db: SqliteDatabase): void {
  const step = db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let i = version; i < MIGRATIONS.length; i++) db.exec(MIGRATIONS[i] ?? '');
    if (version < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  });
  step.immediate();
}
