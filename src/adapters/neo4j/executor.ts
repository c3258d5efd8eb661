/**
 * The only file that touches neo4j-driver: runs Statements in managed transactions (the driver retries transient
 * errors — safe, because apply is idempotent by event id and marks/claims are compare-and-set), converts params
 * and maps driver errors to trailgraph's named errors with what to do next.
 */
import neo4j, { Neo4jError, isInt, isRetriableError, isNode, isRelationship, type Driver, type ManagedTransaction, type Record as Neo4jRecord } from 'neo4j-driver';
import { ConfigError, StoreUnavailableError } from '../../core/errors.ts';
import { FloatParam, type Statement } from './cypher/statement.ts';

export type Row = Record<string, unknown>;

/** A transaction as the store sees it: run a statement, get plain rows. */
export interface Tx {
  run(statement: Statement): Promise<Row[]>;
}

export interface Executor {
  write<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  read<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * One read statement in an auto-commit transaction: what most reads are. A managed read transaction costs a
   * BEGIN and a COMMIT around the statement — measured, twice the driver's CPU per read (607 vs 310 µs) and half
   * the reads per second; one statement is atomic on its own, so it needs no transaction of ours.
   */
  query(statement: Statement): Promise<Row[]>;
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

/**
 * JS → Neo4j parameter values. Integral numbers go as INTEGER (seq, tokens, times in ms, integer properties);
 * FloatParam goes as FLOAT; other numbers are floats anyway. A list with a non-integral number stays all-float,
 * because Neo4j property lists must be homogeneous.
 */
export function toNeo4jValue(v: unknown): unknown {
  // A batch's parameters are thousands of rows: strings first, and plain loops (entries/filter/fromEntries
  // allocated three arrays per row).
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? neo4j.int(v) : v;
  if (v instanceof FloatParam) return v.float;
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'number') && !v.every((x) => Number.isSafeInteger(x))) return v;
    return v.map(toNeo4jValue);
  }
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const k in v) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = toNeo4jValue(x);
    }
    return out;
  }
  return v;
}

/**
 * Neo4j → JS values. INTEGER arrives as the driver's Integer (lossless integers are on, so nothing is silently
 * rounded) and becomes a JS number; FLOAT arrives as a JS number and stays one. Nodes and relationships become
 * `{ labels | type, properties }` with their properties converted. Every integer trailgraph writes came from a JS
 * number, so one outside the safe range means someone else wrote it: refuse rather than round.
 */
export function fromNeo4jValue(v: unknown): unknown {
  // Strings, floats, booleans and nulls are most of what a read returns and need nothing: skip the driver's type tests.
  if (typeof v !== 'object' || v === null) return v;
  if (isInt(v)) {
    if (!v.inSafeRange()) throw new RangeError(`Neo4j returned the integer ${v.toString()}, beyond JavaScript's safe range; trailgraph never writes such values`);
    return v.toNumber();
  }
  if (Array.isArray(v)) return v.map(fromNeo4jValue);
  if (isNode(v)) return { labels: [...v.labels], properties: fromNeo4jValue(v.properties) };
  if (isRelationship(v)) return { type: v.type, properties: fromNeo4jValue(v.properties) };
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromNeo4jValue(x)]));
  }
  return v;
}

/** Retries of an auto-commit read on a transient failure (a managed transaction's retries, for one statement). */
const QUERY_RETRIES = [50, 200, 800, 2_000];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One driver record → a plain row keyed by the RETURN names. */
export function recordToRow(record: Neo4jRecord): Row {
  const row: Row = {};
  for (const key of record.keys) row[String(key)] = fromNeo4jValue(record.get(key));
  return row;
}

/**
 * Starts a driver query with stack capture off. The driver's Result constructor formats a stack trace for every
 * statement (to graft it onto a failure later); with source maps on (tsx, --enable-source-maps) that formatting was
 * a third of the driver's CPU per read. The window is synchronous, so nothing else sees the limit changed; a failed
 * statement still surfaces as the driver's error, with its message and code, wrapped by mapError.
 */
export function withoutStackCapture<T>(start: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return start();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function txOf(tx: ManagedTransaction): Tx {
  return {
    async run(s) {
      const params = toNeo4jValue(s.params) as Record<string, unknown>;
      const res = await withoutStackCapture(() => tx.run(s.cypher, params));
      return res.records.map(recordToRow);
    },
  };
}

const CREDENTIALS = 'TRAILGRAPH_NEO4J_USER/TRAILGRAPH_NEO4J_PASSWORD';

/**
 * Maps driver failures to errors that say what to do; anything that is not a Neo4jError (a ProjectionConflictError
 * thrown inside a transaction, a RangeError from a builder) passes through untouched. Never echoes the password.
 */
export function mapError(err: unknown, options: ExecutorOptions): unknown {
  if (!(err instanceof Neo4jError)) return err;
  const code = err.code ?? '';
  if (code === 'Neo.ClientError.Security.AuthorizationExpired' || code === 'Neo.ClientError.Security.TokenExpired') {
    // The driver re-authenticates and retries these; one that surfaces is worth another try.
    return new StoreUnavailableError(`Neo4j at ${options.uri}: the session's authorization expired (${code}); retry later`, { cause: err });
  }
  if (code === 'Neo.ClientError.Security.Forbidden') {
    return new ConfigError(
      CREDENTIALS,
      `Neo4j at ${options.uri} does not allow user "${options.user}" to do this (${code}: ${err.message}); grant the user the privilege, or check ${CREDENTIALS} name a user that has it`,
      { cause: err },
    );
  }
  if (code.startsWith('Neo.ClientError.Security.')) {
    return new ConfigError(
      CREDENTIALS,
      `Neo4j at ${options.uri} refused user "${options.user}" (${code}); check ${CREDENTIALS} (they must match the server's NEO4J_AUTH)`,
      { cause: err },
    );
  }
  if (code === 'Neo.ClientError.Database.DatabaseNotFound') {
    return new ConfigError('TRAILGRAPH_NEO4J_DATABASE', `database "${options.database ?? 'neo4j'}" does not exist on ${options.uri}; create it (CREATE DATABASE …) or pick an existing one`, { cause: err });
  }
  if (err.retriable || code === 'ServiceUnavailable' || code === 'SessionExpired' || code.startsWith('Neo.TransientError.')) {
    return new StoreUnavailableError(`Neo4j at ${options.uri} is unavailable (${code}: ${err.message}); is the server running and reachable? retry later`, { cause: err });
  }
  return err;
}

export function createExecutor(options: ExecutorOptions): Executor {
  let driver: Driver;
  try {
    driver = neo4j.driver(options.uri, neo4j.auth.basic(options.user, options.password), { userAgent: 'trailgraph' });
  } catch (err) {
    throw new ConfigError('TRAILGRAPH_STORE', `"${options.uri}" is not a Neo4j URI (use neo4j://host:7687 or bolt://host:7687): ${(err as Error).message}`, { cause: err });
  }
  const session = (mode: 'READ' | 'WRITE' = 'WRITE') =>
    driver.session({ defaultAccessMode: mode, ...(options.database !== undefined && { database: options.database }) });
  /** One statement in an auto-commit transaction of its own session. */
  const runAlone = async (statement: Statement, mode: 'READ' | 'WRITE'): Promise<Row[]> => {
    const s = session(mode);
    try {
      const params = toNeo4jValue(statement.params) as Record<string, unknown>;
      const res = await withoutStackCapture(() => s.run(statement.cypher, params));
      return res.records.map(recordToRow);
    } finally {
      await s.close();
    }
  };
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
    // READ: a cluster routes these to a reader, as it does executeRead's transactions.
    query: (statement) => guard(async () => {
      for (const delay of QUERY_RETRIES) {
        try {
          return await runAlone(statement, 'READ');
        } catch (err) {
          if (!isRetriableError(err)) throw err;
          await sleep(delay);
        }
      }
      return runAlone(statement, 'READ');
    }),
    autoCommit: (statement) => guard(() => runAlone(statement, 'WRITE')),
    close: () => driver.close(),
  };
}
