/**
 * Configuration from flags and `TRAILGRAPH_*` environment variables (flags win), validated with zod at start.
 * A bad value is a ConfigError naming the setting (flag and variable) and what to do.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { AuthConfig } from '../app/auth/access-control.ts';
import { ConfigError } from '../core/errors.ts';
import { type ApiLimits, DEFAULT_API_LIMITS } from '../api/context.ts';
import { DEFAULT_LOOP_LIMITS, type LoopLimits } from '../core/causality/loop-breaker.ts';

export type { AuthConfig };

export type StoreConfig =
  | { readonly kind: 'sqlite'; readonly path: string }
  | {
      readonly kind: 'neo4j';
      readonly uri: string;
      readonly user: string;
      readonly password: string;
      readonly database?: string;
      /** SQLite file of the dead letters (Neo4j keeps the graph only); env TRAILGRAPH_DEAD_LETTERS. */
      readonly deadLettersPath: string;
    };


export interface TrailgraphConfig {
  /** development: GraphiQL and error details; production: neither. */
  readonly mode: 'development' | 'production';
  readonly host: string;
  readonly port: number;
  /** Folder of the domain ontology (Turtle). */
  readonly ontologyDir: string;
  readonly store: StoreConfig;
  /** When set, events go through NATS JetStream (bus mode). Flag `--nats` (alias `--nats-url`). */
  readonly natsUrl?: string;
  /**
   * Bus mode only: run the projector in this process (default true). Publish-only edges (the CLI's `publish`,
   * `dlq`) set false so they never consume the stream into their own store.
   */
  readonly natsProject?: boolean;
  /**
   * Bus mode: copies of the event and dead-letter streams (1 on a single server, 3 on a 3-node cluster: an acked
   * event then survives the loss of any one node). Env TRAILGRAPH_NATS_REPLICAS; unset: 1 for new streams, existing ones keep their count.
   */
  readonly natsReplicas?: number;
  /** Persisted operations folder. */
  readonly queriesDir: string;
  /** Locked-down mode: only the operations in queriesDir run. */
  readonly persistedOnly: boolean;
  readonly limits: ApiLimits;
  /** Prometheus metrics at `/metrics` (default on; `TRAILGRAPH_METRICS=0` turns them off). */
  readonly metrics?: boolean;
  /** Authentication and the access policy; absent = the service is open (development, or --insecure). */
  readonly auth?: AuthConfig;
  /** Production without auth was asked for explicitly. */
  readonly insecure?: boolean;
  /** Browser origins allowed cross-site (CORS); empty = none. */
  readonly corsOrigins: readonly string[];
  /** Schema introspection; default on in development, off in production. */
  readonly introspection: boolean;
  /** The loop breaker: causation depth and repeats of one (type, aggregate) along a causal chain. */
  readonly loopLimits: LoopLimits;
  /**
   * How often (ms) the mark feed checks the store's head for commits no live source reported (another process on
   * the same store; a fan-out message lost). Default 1000 with NATS fan-out, 250 without.
   */
  readonly marksPollMs?: number;
}

/** Flag values as commander gives them (camelCase keys). */
export type ConfigFlags = Partial<Record<'mode' | 'host' | 'port' | 'ontology' | 'store' | 'nats' | 'natsUrl' | 'queries' | 'persistedOnly' | 'projector'
  | 'authSecretFile' | 'authJwks' | 'authIssuer' | 'authAudience' | 'authRolesClaim' | 'policy' | 'insecure' | 'corsOrigin' | 'introspection', string | number | boolean>>;

const bool = z.union([z.boolean(), z.enum(['1', '0', 'true', 'false', 'yes', 'no', ''])]).transform((v) => v === true || v === '1' || v === 'true' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

interface Setting<T> {
  readonly flag?: keyof ConfigFlags;
  readonly env: string;
  readonly schema: z.ZodType<T>;
  readonly hint: string;
}

function read<T>(s: Setting<T>, flags: ConfigFlags, env: NodeJS.ProcessEnv, fallback: T): T {
  const raw = (s.flag !== undefined ? flags[s.flag] : undefined) ?? env[s.env];
  if (raw === undefined || raw === '') return fallback;
  const parsed = s.schema.safeParse(typeof raw === 'string' ? raw.trim() : raw);
  if (parsed.success) return parsed.data;
  const name = s.flag ? `--${s.flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} / ${s.env}` : s.env;
  throw new ConfigError(name, `${JSON.stringify(raw)} is not valid (${parsed.error.issues[0]?.message ?? 'invalid'}); ${s.hint}`);
}

/**
 * A SQLite location as users write it: a path, or a `sqlite:` / `file:` URL (`sqlite:/tmp/g.db`,
 * `sqlite:///tmp/g.db`, `file:./g.db`). Any other `scheme:` is refused rather than taken for a relative path.
 */
function sqlitePath(value: string): string | undefined {
  const url = /^(sqlite|file):(.*)$/i.exec(value);
  if (url) {
    const rest = url[2] ?? '';
    // sqlite:///abs, sqlite://localhost/abs → /abs; sqlite:/abs and sqlite:rel stay as written.
    const path = rest.startsWith('//') ? rest.replace(/^\/\/(localhost)?/, '') : rest;
    return path === '' ? undefined : decodeURIComponent(path);
  }
  // A scheme (two or more letters, so Windows drive letters stay paths) that is not ours.
  if (/^[a-z][a-z0-9+.-]+:/i.test(value)) return undefined;
  return value;
}

function storeConfig(value: string, env: NodeJS.ProcessEnv): StoreConfig {
  // The SQLite adapter on a private in-memory database: gone on exit, unseen by any other process.
  if (/^memory:$/i.test(value)) return { kind: 'sqlite', path: ':memory:' };
  if (!/^(neo4j|neo4j\+s|neo4j\+ssc|bolt|bolt\+s|bolt\+ssc):\/\//.test(value)) {
    const path = sqlitePath(value);
    if (path === undefined) {
      throw new ConfigError('--store / TRAILGRAPH_STORE', `unsupported store ${value}; use a SQLite file path (or sqlite:/path, file:/path), memory: or neo4j://host:7687`);
    }
    return { kind: 'sqlite', path };
  }
  const password = env.TRAILGRAPH_NEO4J_PASSWORD ?? env.NEO4J_PASSWORD;
  if (!password) throw new ConfigError('TRAILGRAPH_NEO4J_PASSWORD', 'a neo4j:// store needs a password; set TRAILGRAPH_NEO4J_PASSWORD (or NEO4J_PASSWORD)');
  const database = env.TRAILGRAPH_NEO4J_DATABASE ?? env.NEO4J_DATABASE;
  const deadLettersPath = env.TRAILGRAPH_DEAD_LETTERS || './.trailgraph/dead-letters.db';
  return { kind: 'neo4j', uri: value, user: env.TRAILGRAPH_NEO4J_USER ?? env.NEO4J_USER ?? 'neo4j', password, ...(database && { database }), deadLettersPath };
}

/** The shortest HS256 secret accepted (RFC 7518 §3.2: at least the hash size). */
export const MIN_SECRET_BYTES = 32;

function authConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv, ontologyDir: string): AuthConfig | undefined {
  const secretFile = read<string | undefined>({ flag: 'authSecretFile', env: 'TRAILGRAPH_AUTH_SECRET_FILE', schema: z.string().min(1), hint: 'give a file holding the HS256 secret' }, flags, env, undefined);
  let secret = env.TRAILGRAPH_AUTH_SECRET || undefined;
  if (secretFile !== undefined) {
    try {
      secret = readFileSync(secretFile, 'utf8').trim();
    } catch (err) {
      throw new ConfigError('--auth-secret-file / TRAILGRAPH_AUTH_SECRET_FILE', `cannot read ${secretFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  // The secret's value is never echoed, not even in this error.
  if (secret !== undefined && Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    throw new ConfigError('TRAILGRAPH_AUTH_SECRET', `the HS256 secret is shorter than ${MIN_SECRET_BYTES} bytes; use a longer random value (e.g. openssl rand -hex 32)`);
  }
  const jwks = read<string | undefined>({ flag: 'authJwks', env: 'TRAILGRAPH_AUTH_JWKS', schema: z.string().min(1), hint: 'give a JWKS file path or https URL' }, flags, env, undefined);
  if (secret === undefined && jwks === undefined) return undefined;
  if (secret !== undefined && jwks !== undefined) throw new ConfigError('TRAILGRAPH_AUTH_SECRET / TRAILGRAPH_AUTH_JWKS', 'give either an HS256 secret (development) or a JWKS (production), not both');
  const text = (flag: keyof ConfigFlags, name: string, fallback: string): string =>
    read({ flag, env: name, schema: z.string().min(1), hint: 'give a non-empty value' }, flags, env, fallback);
  return {
    ...(secret !== undefined && { secret }),
    ...(jwks !== undefined && { jwks }),
    issuer: text('authIssuer', 'TRAILGRAPH_AUTH_ISSUER', 'trailgraph'),
    audience: text('authAudience', 'TRAILGRAPH_AUTH_AUDIENCE', 'trailgraph'),
    rolesClaim: text('authRolesClaim', 'TRAILGRAPH_AUTH_ROLES_CLAIM', 'roles'),
    policy: text('policy', 'TRAILGRAPH_POLICY', join(ontologyDir, 'policy')),
  };
}

/** Reads and validates the configuration. Throws ConfigError. */
export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): TrailgraphConfig {
  const mode = read({ flag: 'mode', env: 'TRAILGRAPH_MODE', schema: z.enum(['development', 'production']), hint: 'use development or production' }, flags, env,
    env.NODE_ENV === 'production' ? 'production' : 'development');
  const port = read({ flag: 'port', env: 'TRAILGRAPH_PORT', schema: int(0, 65535), hint: 'use a port number 0-65535 (0 = any free port)' }, flags, env, 4000);
  const host = read({ flag: 'host', env: 'TRAILGRAPH_HOST', schema: z.string().min(1), hint: 'use a host name or address, e.g. 0.0.0.0' }, flags, env, '127.0.0.1');
  const ontologyDir = read({ flag: 'ontology', env: 'TRAILGRAPH_ONTOLOGY', schema: z.string().min(1), hint: 'give the ontology folder, e.g. ontology/referral' }, flags, env, 'ontology/referral');
  const storeValue = read({ flag: 'store', env: 'TRAILGRAPH_STORE', schema: z.string().min(1), hint: 'give a SQLite file path or neo4j://host:7687' }, flags, env, './.trailgraph/graph.db');
  // `--nats` is the documented flag; `--nats-url` stays as an alias.
  const natsUrl = read<string | undefined>({ flag: flags.nats !== undefined ? 'nats' : 'natsUrl', env: 'TRAILGRAPH_NATS_URL', schema: z.string().regex(/^(nats|tls|wss?):\/\//, 'expected nats://host:4222'), hint: 'use nats://host:4222 (comma-separate several servers)' }, flags, env, undefined);
  const natsReplicas = read<number | undefined>({ env: 'TRAILGRAPH_NATS_REPLICAS', schema: int(1, 5), hint: 'use 1 (single server) or 3 (a 3-node cluster); at most 5' }, flags, env, undefined);
  const queriesDir = read({ flag: 'queries', env: 'TRAILGRAPH_QUERIES', schema: z.string().min(1), hint: 'give the persisted-operations folder' }, flags, env, 'queries');
  const persistedOnly = read({ flag: 'persistedOnly', env: 'TRAILGRAPH_PERSISTED_ONLY', schema: bool, hint: 'use 1 or 0' }, flags, env, false);
  // Bus mode: one projector per event partition. Replicas beyond the first serve (and publish) with it off; two
  // projectors on one durable consumer would split its messages and lose per-aggregate order.
  const projector = read({ flag: 'projector', env: 'TRAILGRAPH_PROJECTOR', schema: bool, hint: 'use 1 (this replica projects the stream) or 0 (it only serves)' }, flags, env, true);
  const metrics = read({ env: 'TRAILGRAPH_METRICS', schema: bool, hint: 'use 1 (serve /metrics, the default) or 0' }, flags, env, true);
  const corsOrigins = read({ flag: 'corsOrigin', env: 'TRAILGRAPH_CORS_ORIGINS', schema: z.string().transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean)).pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'expected origins like https://app.example.com, comma-separated'))), hint: 'list browser origins, e.g. https://app.example.com,http://localhost:3000' }, flags, env, [] as string[]);
  const introspection = read({ flag: 'introspection', env: 'TRAILGRAPH_INTROSPECTION', schema: bool, hint: 'use 1 (on) or 0 (off)' }, flags, env, mode === 'development');
  const loopLimits: LoopLimits = {
    maxDepth: read({ env: 'TRAILGRAPH_MAX_CAUSATION_DEPTH', schema: int(1, 10_000), hint: 'use an integer 1-10000 (causation steps from the root event)' }, flags, env, DEFAULT_LOOP_LIMITS.maxDepth),
    maxRepeats: read({ env: 'TRAILGRAPH_MAX_REPEATS', schema: int(1, 10_000), hint: 'use an integer 1-10000 (same type and aggregate along one causal chain)' }, flags, env, DEFAULT_LOOP_LIMITS.maxRepeats),
  };
  const marksPollMs = read<number | undefined>({ env: 'TRAILGRAPH_MARKS_POLL_MS', schema: int(50, 600_000), hint: 'use an integer 50-600000 (milliseconds)' }, flags, env, undefined);
  const limit = (key: keyof ApiLimits, envName: string, min: number, max: number): number =>
    read({ env: envName, schema: int(min, max), hint: `use an integer ${min}-${max}` }, flags, env, DEFAULT_API_LIMITS[key]);
  const limits: ApiLimits = {
    maxFirst: limit('maxFirst', 'TRAILGRAPH_MAX_PAGE', 1, 100_000),
    maxHops: limit('maxHops', 'TRAILGRAPH_MAX_HOPS', 1, 10),
    maxResults: limit('maxResults', 'TRAILGRAPH_MAX_RESULTS', 1, 1_000_000),
    maxWaitMs: limit('maxWaitMs', 'TRAILGRAPH_MAX_WAIT_MS', 0, 600_000),
    defaultWaitMs: limit('defaultWaitMs', 'TRAILGRAPH_DEFAULT_WAIT_MS', 0, 600_000),
    maxBodyBytes: limit('maxBodyBytes', 'TRAILGRAPH_MAX_BODY_BYTES', 1024, 100 * 1024 * 1024),
    maxDepth: limit('maxDepth', 'TRAILGRAPH_MAX_DEPTH', 2, 100),
    maxAliases: limit('maxAliases', 'TRAILGRAPH_MAX_ALIASES', 1, 1000),
    maxCost: limit('maxCost', 'TRAILGRAPH_MAX_COST', 100, 10_000_000),
  };
  const auth = authConfig(flags, env, ontologyDir);
  const insecure = read({ flag: 'insecure', env: 'TRAILGRAPH_INSECURE', schema: bool, hint: 'use 1 or 0' }, flags, env, false);
  if (mode === 'production' && !auth && !insecure) {
    throw new ConfigError('--mode production', 'refusing to start without authentication: set TRAILGRAPH_AUTH_JWKS (or TRAILGRAPH_AUTH_SECRET) and the policy, or pass --insecure to run open on purpose (docs/security.md)');
  }
  return {
    mode,
    host,
    port,
    ontologyDir,
    store: storeConfig(storeValue, env),
    ...(natsUrl !== undefined && { natsUrl }),
    ...(!projector && { natsProject: false }),
    ...(natsReplicas !== undefined && { natsReplicas }),
    queriesDir,
    persistedOnly,
    limits,
    ...(!metrics && { metrics: false }),
    ...(auth && { auth }),
    ...(insecure && { insecure }),
    corsOrigins,
    introspection,
    loopLimits,
    ...(marksPollMs !== undefined && { marksPollMs }),
  };
}
