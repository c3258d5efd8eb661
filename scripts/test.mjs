#!/usr/bin/env node
// Runs node's test runner over the test tiers. Tier = the file-name suffix: .unit.spec.ts, .int.spec.ts, .e2e.spec.ts.
// `node --import tsx scripts/test.mjs [unit|int|e2e|neo4j ...|<spec file> ...] [--exclude=<regex> ...]` (no tier = every tier). Extra args after `--` go
// to node --test. The `neo4j` tier = every test file that uses test/support/neo4j-server.ts or stores.ts, whatever its suffix.
// When the chosen files include any of those, one real Neo4j is started for the whole run (NEO4J_URI/NEO4J_PASSWORD
// in the env of every file); without a JDK/Maven they skip, saying why — except in CI, where that fails the run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const own = (dash === -1 ? argv : argv.slice(0, dash)).filter(Boolean);
// --exclude=<regex> (repeatable): leave out the files whose repository path matches, e.g. the slow tiers a second
// Node version need not repeat (.ci/run).
const excludes = own.filter((a) => a.startsWith('--exclude=')).map((a) => new RegExp(a.slice('--exclude='.length)));
// Paths of spec files run just those files (with a Neo4j when they need one), e.g. while fixing one test.
const paths = own.filter((a) => !a.startsWith('--exclude=') && a.endsWith('.ts'));
const tiers = own.filter((a) => !a.startsWith('--exclude=') && !a.endsWith('.ts'));
const extra = dash === -1 ? [] : argv.slice(dash + 1);
const neo4jOnly = tiers.length > 0 && tiers.every((t) => t === 'neo4j');
const wanted = tiers.length && !neo4jOnly ? tiers.filter((t) => t !== 'neo4j') : ['unit', 'int', 'e2e'];
const usesNeo4j = (file) => /support\/(neo4j-server|stores)\.ts/.test(readFileSync(file, 'utf8'));

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (wanted.some((t) => name.endsWith(`.${t}.spec.ts`))) out.push(p);
  }
  return out;
}
const files = (paths.length ? paths : [...walk('test'), ...walk('src')]).sort()
  .filter((f) => !neo4jOnly || usesNeo4j(f))
  .filter((f) => !excludes.some((re) => re.test(f)));
if (files.length === 0) {
  console.error(`no test files for tiers: ${wanted.join(', ')}`);
  process.exit(1);
}
// The spec reporter for people; a TAP copy in a temp file to print the plain closing count line CI reads.
const tapDir = mkdtempSync(join(tmpdir(), 'trailgraph-test-'));
const tapFile = join(tapDir, 'report.tap');
const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'test' };
const inCI = process.env.CI === 'true';
let neo4jServer;
let neo4jFailed = false;
const neo4jWanted = !process.env.TRAILGRAPH_TEST_STORES || process.env.TRAILGRAPH_TEST_STORES.split(',').map((x) => x.trim()).includes('neo4j');
if (!process.env.NEO4J_URI && neo4jWanted && files.some(usesNeo4j)) {
  const { neo4jMissingPrerequisite, startNeo4jServer } = await import('../test/support/neo4j-server.ts');
  let reason = neo4jMissingPrerequisite();
  if (!reason) {
    try {
      neo4jServer = await startNeo4jServer();
      Object.assign(env, { NEO4J_URI: neo4jServer.uri, NEO4J_USER: neo4jServer.user, NEO4J_PASSWORD: neo4jServer.password });
      console.log(`Neo4j tier: Neo4j ${neo4jServer.version} Community (embedded, Bolt ${neo4jServer.uri}), JVM up in ${(neo4jServer.startMs / 1000).toFixed(1)} s`);
    } catch (err) {
      reason = `Neo4j did not start: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  if (reason) {
    env.TRAILGRAPH_NEO4J_SKIP = reason;
    neo4jFailed = inCI;
    console.log(inCI ? `Neo4j tier FAILED (required in CI): ${reason}` : `Neo4j tier skipped: ${reason}`);
  }
}
const started = Date.now();
const child = spawn(process.execPath, [
  '--import', 'tsx', '--test', '--test-concurrency=1',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
  ...extra, ...files,
], { stdio: 'inherit', env });
const status = await new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
if (neo4jServer) await neo4jServer.stop();
let tap = '';
try {
  tap = readFileSync(tapFile, 'utf8');
} catch {
  // no report: the runner itself failed to start; its exit code says so
}
rmSync(tapDir, { recursive: true, force: true });
const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
if (neo4jServer) console.log(`\nNeo4j tier: Neo4j ${neo4jServer.version}; the test run took ${((Date.now() - started) / 1000).toFixed(0)} s after a ${(neo4jServer.startMs / 1000).toFixed(1)} s JVM start`);
if (!neo4jServer && env.TRAILGRAPH_NEO4J_SKIP) console.log(`\nNeo4j tier ${inCI ? 'FAILED' : 'skipped'}: ${env.TRAILGRAPH_NEO4J_SKIP}`);
if (tap) console.log(`\n${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped`);
process.exit(neo4jFailed ? 1 : status);
