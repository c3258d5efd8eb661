/**
 * A real Neo4j for tests: Neo4j Community (the exact version pinned in test/support/neo4j/pom.xml) embedded in a
 * JVM with its Bolt connector on a free loopback port, a temp data dir and auth on. No Docker: a JDK and Maven are
 * enough — Maven resolves the classpath once (cached under ~/.cache/trailgraph, jars in ~/.m2).
 *
 * One server serves a whole test run: scripts/test.mjs starts it and hands NEO4J_URI / NEO4J_PASSWORD to every
 * test file (a JVM start costs 10–80 s on a busy 2-core machine). A file run alone with `node --test` starts its
 * own. Community has one user database, so each test file wipes it (resetNeo4j) before it writes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import neo4j from 'neo4j-driver';

const here = dirname(fileURLToPath(import.meta.url));
const POM = join(here, 'neo4j', 'pom.xml');
const LAUNCHER = join(here, 'neo4j', 'Launcher.java');
/** The pinned Neo4j version, read from the pom so there is one place to change it. */
export const NEO4J_VERSION = /<artifactId>neo4j<\/artifactId>\s*<version>([^<]+)<\/version>/.exec(readFileSync(POM, 'utf8'))?.[1] ?? 'unknown';
const CACHE_DIR = join(process.env.TRAILGRAPH_CACHE_DIR ?? join(homedir(), '.cache', 'trailgraph'), `neo4j-${NEO4J_VERSION}`);
const CLASSPATH_FILE = join(CACHE_DIR, 'classpath.txt');
/** Password of the built-in `neo4j` user on every test server (Neo4j wants at least 8 characters). */
export const TEST_PASSWORD = 'trailgraph-test';
const START_TIMEOUT_MS = 240_000;

/** Thrown when the Neo4j tier cannot run here; the message says what is missing and how to get it. */
export class Neo4jUnavailableError extends Error {
  override readonly name = 'Neo4jUnavailableError';
}

const onPath = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** Why the Neo4j tier cannot run on this machine, or undefined when a JDK 17+ and Maven (or a cached classpath) are here. */
export function neo4jMissingPrerequisite(): string | undefined {
  if (!onPath('java')) return 'no JDK: `java` is not on PATH (Neo4j 5.26 needs JDK 17; apt-get install openjdk-17-jdk-headless maven)';
  const version = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const major = Number(/version "(\d+)/.exec(version.stderr ?? '')?.[1] ?? 0);
  if (major < 17) return `Neo4j ${NEO4J_VERSION} needs JDK 17 or newer; \`java -version\` says ${major || 'nothing usable'}`;
  if (!cachedClasspath() && !onPath('mvn')) return 'no Maven: `mvn` is not on PATH, needed once to resolve the Neo4j jars (apt-get install maven)';
  return undefined;
}

function cachedClasspath(): string | undefined {
  if (!existsSync(CLASSPATH_FILE)) return undefined;
  const cp = readFileSync(CLASSPATH_FILE, 'utf8').trim();
  // ~/.m2 may have been cleaned since: every jar must still be there.
  return cp && cp.split(':').every((jar) => existsSync(jar)) ? cp : undefined;
}

/**
 * The Neo4j classpath: cached, or resolved by Maven now (the first time downloads ~150 MB into ~/.m2).
 * @throws Neo4jUnavailableError when Java or Maven is missing or Maven fails
 */
export function neo4jClasspath(): string {
  const missing = neo4jMissingPrerequisite();
  if (missing) throw new Neo4jUnavailableError(missing);
  const cached = cachedClasspath();
  if (cached) return cached;
  mkdirSync(CACHE_DIR, { recursive: true });
  const partial = `${CLASSPATH_FILE}.${process.pid}`;
  const res = spawnSync('mvn', ['-q', '-B', '-f', POM, 'dependency:build-classpath', `-Dmdep.outputFile=${partial}`], { encoding: 'utf8', timeout: 900_000 });
  if (res.status !== 0 || !existsSync(partial)) {
    throw new Neo4jUnavailableError(`Maven could not resolve org.neo4j:neo4j:${NEO4J_VERSION} (exit ${res.status ?? res.signal}): ${(res.stdout + res.stderr).slice(-2000)}`);
  }
  writeFileSync(CLASSPATH_FILE, readFileSync(partial, 'utf8'));
  rmSync(partial, { force: true });
  return cachedClasspath() ?? readFileSync(CLASSPATH_FILE, 'utf8').trim();
}

export interface Neo4jServer {
  /** `bolt://127.0.0.1:<port>` */
  readonly uri: string;
  readonly user: 'neo4j';
  readonly password: string;
  /** The server's own version string, e.g. 5.26.30. */
  readonly version: string;
  /** Milliseconds from spawning the JVM until Bolt answered. */
  readonly startMs: number;
  /** Graceful stop; removes the data dir. */
  stop(): Promise<void>;
}

/** Starts Neo4j on a free loopback port with a fresh temp data dir; resolves once the driver's verifyConnectivity passes. */
export async function startNeo4jServer(): Promise<Neo4jServer> {
  const classpath = neo4jClasspath();
  const dir = mkdtempSync(join(tmpdir(), 'tg-neo4j-'));
  const started = Date.now();
  const child = spawn('java', ['-Xms256m', '-Xmx1536m', '-XX:+UseParallelGC', '-cp', classpath, LAUNCHER, '0', join(dir, 'home'), TEST_PASSWORD], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
  const ready = await new Promise<{ port: number; version: string }>((resolve, reject) => {
    const timer = setTimeout(() => fail(`Neo4j did not start within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Neo4jUnavailableError(`${why}; JVM stderr: ${err.slice(-2000) || '(empty)'}; stdout: ${out.slice(-1000)}`));
    };
    child.stdout.on('data', (b: Buffer) => {
      out = (out + b.toString()).slice(-4000);
      const m = /TRAILGRAPH_NEO4J_READY port=(\d+) version=(\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ port: Number(m[1]), version: m[2]! });
      }
    });
    child.once('exit', (code, signal) => fail(`the Neo4j JVM exited (${code ?? signal}) before Bolt was up`));
  });
  child.removeAllListeners('exit');
  const uri = `bolt://127.0.0.1:${ready.port}`;
  const driver = neo4j.driver(uri, neo4j.auth.basic('neo4j', TEST_PASSWORD));
  try {
    await driver.verifyConnectivity();
  } finally {
    await driver.close();
  }
  const startMs = Date.now() - started;
  return {
    uri,
    user: 'neo4j',
    password: TEST_PASSWORD,
    version: ready.version,
    startMs,
    async stop() {
      await stopJvm(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function stopJvm(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin?.end(); // the launcher exits when its stdin closes
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/** Connection details a test file uses. */
export interface Neo4jConnection {
  readonly uri: string;
  readonly user: string;
  readonly password: string;
}

let own: Promise<Neo4jServer> | undefined;

/** False when TRAILGRAPH_TEST_STORES names the stores to test and leaves Neo4j out. */
export function neo4jWanted(): boolean {
  const only = process.env.TRAILGRAPH_TEST_STORES;
  return !only || only.split(',').map((x) => x.trim()).includes('neo4j');
}

/**
 * The Neo4j for this test file: the run's shared server (NEO4J_URI from scripts/test.mjs) or, for a file run on
 * its own, a server started now and stopped when the process exits. Returns a skip reason instead when Neo4j cannot
 * run here — but never in CI (CI=true), where that is a failure.
 */
export async function neo4jForTests(): Promise<{ connection: Neo4jConnection } | { skip: string }> {
  if (!neo4jWanted()) return { skip: `Neo4j left out of this run (TRAILGRAPH_TEST_STORES=${process.env.TRAILGRAPH_TEST_STORES})` };
  const shared = process.env.NEO4J_URI;
  if (shared) return { connection: { uri: shared, user: process.env.NEO4J_USER ?? 'neo4j', password: process.env.NEO4J_PASSWORD ?? '' } };
  const reason = process.env.TRAILGRAPH_NEO4J_SKIP ?? neo4jMissingPrerequisite();
  if (reason) {
    if (process.env.CI === 'true') throw new Neo4jUnavailableError(`the Neo4j tier must run in CI: ${reason}`);
    return { skip: `Neo4j tier skipped: ${reason}` };
  }
  own ??= startNeo4jServer().then((s) => {
    process.once('beforeExit', () => void s.stop());
    return s;
  });
  const s = await own;
  return { connection: { uri: s.uri, user: s.user, password: s.password } };
}

/**
 * Empties the (single) user database: every node and relationship in batches; with `schema`, every constraint and
 * index too. Test files call it before each test that needs a clean graph.
 */
export async function resetNeo4j(c: Neo4jConnection, options: { schema?: boolean } = {}): Promise<void> {
  const driver = neo4j.driver(c.uri, neo4j.auth.basic(c.user, c.password));
  try {
    // CALL … IN TRANSACTIONS needs an auto-commit transaction: session.run, not executeQuery.
    const session = driver.session();
    try {
      // Relationships first: DETACH DELETE of a hub (a Specialty with 70k referrals) in a batch of nodes holds all
      // its relationships in one transaction and exceeded the test server's transaction memory at 100k nodes.
      await session.run('MATCH ()-[r]->() CALL { WITH r DELETE r } IN TRANSACTIONS OF 10000 ROWS');
      await session.run('MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS');
    } finally {
      await session.close();
    }
    if (options.schema) {
      const { records } = await driver.executeQuery('SHOW CONSTRAINTS YIELD name RETURN name');
      for (const r of records) await driver.executeQuery(`DROP CONSTRAINT \`${String(r.get('name'))}\` IF EXISTS`);
      const idx = await driver.executeQuery("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name");
      for (const r of idx.records) await driver.executeQuery(`DROP INDEX \`${String(r.get('name'))}\` IF EXISTS`);
    }
  } finally {
    await driver.close();
  }
}
