/**
 * The only file that touches neo4j-driver: runs Statements in managed transactions (the driver retries transient
 * errors — safe, because apply is idempotent by event id and marks/claims are compare-and-set), converts params
 * and maps driver errors to trailgraph's named errors with what to do next.
 */
import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';
import { ConfigError, StoreUnavailableError } from '../../core/errors.ts';
import type { Statement } from './cypher/statement.ts';

export type Row = Record<string, unknown>;

/** A transaction as the store sees it: run a statement, get plain rows. */
export interface Tx {
  run(statement: Statement): Promise<Row[]>;
}

export interface Executor {
  write<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  read<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** Runs one statement in its own transaction (schema statements cannot share a write transaction). */
  autoCommit(statement: Statement): Promise<Row[]>;
  close(): Promise<void>;
}

export interface ExecutorOptions {
  readonly uri: string;
  readonly user: string;
  readonly password: string;
  readonly database?: string;
}

/** Integral JS numbers go to Neo4j as INTEGER (seq, tokens, times in ms); lists stay homogeneous. */
export function toNeo4jValue(v: unknown): unknown {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? neo4j.int(v) : v;
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'number') && !v.every((x) => Number.isSafeInteger(x))) return v;
    return v.map(toNeo4jValue);
  }
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, toNeo4jValue(x)]));
  }
  return v;
}

function txOf(tx: ManagedTransaction): Tx {
  return {
    async run(s) {
      const res = await tx.run(s.cypher, toNeo4jValue(s.params) as Record<string, unknown>);
      return res.records.map((r) => r.toObject() as Row);
    },
  };
}

/** Maps driver failures to errors that say what to do. Other errors pass through. */
export function mapError(err: unknown, options: ExecutorOptions): unknown {
  const code = (err as { code?: string }).code ?? '';
  const message = (err as Error).message ?? String(err);
  if (code.startsWith('Neo.ClientError.Security.')) {
    return new ConfigError('TRAILGRAPH_NEO4J_USER/TRAILGRAPH_NEO4J_PASSWORD', `Neo4j at ${options.uri} refused user "${options.user}" (${code}); check the credentials (NEO4J_AUTH of the server)`, { cause: err });
  }
  if (code === 'Neo.ClientError.Database.DatabaseNotFound') {
    return new ConfigError('TRAILGRAPH_NEO4J_DATABASE', `database "${options.database ?? 'neo4j'}" does not exist on ${options.uri}; create it (CREATE DATABASE …) or pick an existing one`, { cause: err });
  }
  if (code === 'ServiceUnavailable' || code === 'SessionExpired' || code.startsWith('Neo.TransientError.')) {
    return new StoreUnavailableError(`Neo4j at ${options.uri} is unavailable (${code}: ${message}); is the server running and reachable? retrying later`, { cause: err });
  }
  return err;
}

export function createExecutor(options: ExecutorOptions): Executor {
  let driver: Driver;
  try {
    driver = neo4j.driver(options.uri, neo4j.auth.basic(options.user, options.password), { disableLosslessIntegers: true, userAgent: 'trailgraph' });
  } catch (err) {
    throw new ConfigError('TRAILGRAPH_STORE', `"${options.uri}" is not a Neo4j URI (use neo4j://host:7687 or bolt://host:7687): ${(err as Error).message}`, { cause: err });
  }
  const session = () => driver.session({ ...(options.database !== undefined && { database: options.database }) });
  const guard = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw mapError(err, options);
    }
  };
  return {
    write: (work) => guard(async () => {
      const s = session();
      try {
        return await s.executeWrite((tx) => work(txOf(tx)));
      } finally {
        await s.close();
      }
    }),
    read: (work) => guard(async () => {
      const s = session();
      try {
        return await s.executeRead((tx) => work(txOf(tx)));
      } finally {
        await s.close();
      }
    }),
    autoCommit: (statement) => guard(async () => {
      const s = session();
      try {
        const res = await s.run(statement.cypher, toNeo4jValue(statement.params) as Record<string, unknown>);
        return res.records.map((r) => r.toObject() as Row);
      } finally {
        await s.close();
      }
    }),
    close: () => driver.close(),
  };
}
