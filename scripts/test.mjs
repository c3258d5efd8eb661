#!/usr/bin/env node
// Runs node's test runner over the test tiers. Tier = the file-name suffix: .unit.spec.ts, .int.spec.ts, .e2e.spec.ts.
// `node scripts/test.mjs [unit|int|e2e ...]` (no argument = every tier). Extra args after `--` go to node --test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const tiers = (dash === -1 ? argv : argv.slice(0, dash)).filter(Boolean);
const extra = dash === -1 ? [] : argv.slice(dash + 1);
const wanted = tiers.length ? tiers : ['unit', 'int', 'e2e'];

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (wanted.some((t) => name.endsWith(`.${t}.spec.ts`))) out.push(p);
  }
  return out;
}
const files = [...walk('test'), ...walk('src')].sort();
if (files.length === 0) {
  console.error(`no test files for tiers: ${wanted.join(', ')}`);
  process.exit(1);
}
// The spec reporter for people; a TAP copy in a temp file to print the plain closing count line CI reads.
const tapDir = mkdtempSync(join(tmpdir(), 'trailgraph-test-'));
const tapFile = join(tapDir, 'report.tap');
const res = spawnSync(process.execPath, [
  '--import', 'tsx', '--test', '--test-concurrency=1',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
  ...extra, ...files,
], {
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'test' },
});
let tap = '';
try {
  tap = readFileSync(tapFile, 'utf8');
} catch {
  // no report: the runner itself failed to start; its exit code says so
}
rmSync(tapDir, { recursive: true, force: true });
const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
if (tap) console.log(`\n${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped`);
process.exit(res.status ?? 1);
