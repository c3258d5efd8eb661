/**
 * CI check: every step between consecutive released ontology versions (ontology/<domain>/v<N>) that is BREAKING
 * must have a migration (migrations/<domain>/v<N>-to-v<M>.ts) whose steps account for each breaking change, and
 * must bump the major version. Prints each step's classification; exits 1 on the first kind of failure found.
 *
 *   node --import tsx scripts/check-ontology-steps.ts [ontology-root=ontology]
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadOntology } from '../src/app/ontology/ontology-loader.ts';
import { defaultMigrationsDir, loadMigrations, versionFolders } from '../src/app/ontology/ontology-versions.ts';
import { classify } from '../src/core/migrations/changes.ts';
import { diffOntologies } from '../src/core/migrations/diff.ts';
import { renameHints, uncoveredChanges } from '../src/core/migrations/plan.ts';

const root = process.argv[2] ?? 'ontology';
const problems: string[] = [];
const major = (v: string): number => Number(/^(\d+)/.exec(v)?.[1] ?? NaN);

for (const domain of existsSync(root) ? readdirSync(root).sort() : []) {
  const domainDir = join(root, domain);
  if (!statSync(domainDir).isDirectory()) continue;
  const folders = versionFolders(domainDir);
  if (folders.length < 2) continue;
  const migrations = await loadMigrations(defaultMigrationsDir(domainDir));
  for (let i = 0; i + 1 < folders.length; i++) {
    const [a, b] = [folders[i] as string, folders[i + 1] as string];
    const before = await loadOntology(join(domainDir, a));
    const after = await loadOntology(join(domainDir, b));
    const migration = migrations.find((m) => m.from === before.version && m.to === after.version);
    const changes = diffOntologies(before, after, migration ? renameHints(migration) : {});
    const verdict = classify(changes);
    const where = `${domain} ${a} (${before.version}) → ${b} (${after.version})`;
    console.log(`${where}: ${verdict.level} (payload ${verdict.payload}, API ${verdict.api}), ${changes.length} change(s)${migration ? `, migration with ${migration.steps.length} step(s)` : ''}`);
    if (verdict.level !== 'BREAKING') continue;
    if (!migration) {
      problems.push(`${where} is BREAKING and has no migration: add migrations/${domain}/${a}-to-${b}.ts (see docs/evolving.md)`);
      continue;
    }
    for (const c of uncoveredChanges(changes, migration)) {
      problems.push(`${where}: breaking change not handled by any migration step: ${c.kind} ${c.term} (${c.detail})`);
    }
    if (!(major(after.version) > major(before.version))) {
      problems.push(`${where} is BREAKING but the major version did not change: release it as ${major(before.version) + 1}.0.0`);
    }
  }
}

if (problems.length) {
  console.error(`\nontology steps: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('ontology steps: ok');
