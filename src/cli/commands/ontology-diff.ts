/**
 * `trailgraph ontology diff <old> <new>`: every change between two ontology versions and the step's compatibility
 * (BACKWARD / FORWARD / FULL / BREAKING, Confluent's meanings applied to event payloads, plus the GraphQL API).
 * Renames come from the migration between the two versions, when there is one.
 */
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadMigrations } from '../../app/ontology/ontology-versions.ts';
import { loadOntology } from '../../app/ontology/ontology-loader.ts';
import { classify, type OntologyChange } from '../../core/migrations/changes.ts';
import { diffOntologies } from '../../core/migrations/diff.ts';
import { renameHints, uncoveredChanges } from '../../core/migrations/plan.ts';
import { ontologyCommand } from './ontology.ts';

/** `ontology/referral/v2` → `migrations/referral` (the domain folder's sibling under the repository root). */
function migrationsDirFor(versionDir: string): string {
  const domain = dirname(resolve(versionDir));
  return join(domain, '..', '..', 'migrations', basename(domain));
}

const PAYLOAD_TEXT = {
  FULL: 'old and new consumers read each other\'s events',
  BACKWARD: 'new consumers read old events; old consumers may reject new ones',
  FORWARD: 'old consumers read new events; new consumers may reject old ones',
  NONE: 'neither side reads the other\'s events without upcasting',
} as const;

function line(c: OntologyChange): string {
  const api = c.api === 'compatible' ? '' : `  [API: ${c.api}]`;
  return `  ${c.payload.padEnd(8)} ${c.kind.padEnd(20)} ${c.term}: ${c.detail}${api}`;
}

export function register(program: Command): void {
  const group = ontologyCommand(program);
  if (group.commands.some((c) => c.name() === 'diff')) return;
  group
    .command('diff')
    .argument('<old>', 'the older version: a version folder (ontology/referral/v1) or a .ttl file')
    .argument('<new>', 'the newer version')
    .description('List every change between two ontology versions and classify the step (BACKWARD / FORWARD / FULL / BREAKING)')
    .option('--migrations <dir>', 'folder of the migrations giving rename hints (default: migrations/<domain>)')
    .option('--fail-on-breaking', 'exit 1 when the step is BREAKING')
    .option('--json', 'print a JSON report')
    .addHelpText('after', [
      '',
      'Payload compatibility (per change, and the step = the weakest of its changes):',
      '  FULL      old and new consumers read each other\'s events',
      '  BACKWARD  consumers on the new version read events written with the old one (e.g. an optional property added)',
      '  FORWARD   consumers on the old version read events written with the new one (e.g. a sh:in value removed)',
      '  NONE      (a change) neither side reads the other\'s events without upcasting (e.g. a property renamed); makes the step BREAKING',
      '  BREAKING  neither, or the GraphQL API loses / retypes a field: needs a migration (migrations/<domain>/vN-to-vM.ts)',
      '',
      'Example: trailgraph ontology diff ontology/referral/v1 ontology/referral/v2 --fail-on-breaking',
    ].join('\n'))
    .action(async (oldPath: string, newPath: string, opts: { migrations?: string; failOnBreaking?: boolean; json?: boolean }) => {
      const before = await loadOntology(oldPath);
      const after = await loadOntology(newPath);
      const migrations = await loadMigrations(opts.migrations ?? migrationsDirFor(newPath));
      const migration = migrations.find((m) => m.from === before.version && m.to === after.version);
      const changes = diffOntologies(before, after, migration ? renameHints(migration) : {});
      const verdict = classify(changes);
      const uncovered = uncoveredChanges(changes, migration);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ from: before.version, to: after.version, ...verdict, migration: migration !== undefined, uncovered, changes }, null, 2)}\n`);
      } else {
        const out = [`${before.version} → ${after.version}: ${changes.length} change(s)`];
        out.push(...changes.map(line));
        out.push('', `payload: ${verdict.payload} (${PAYLOAD_TEXT[verdict.payload]})`);
        out.push(`GraphQL API: ${verdict.api}${verdict.api === 'deprecated' ? ' (renamed fields stay as @deprecated aliases for one version)' : ''}`);
        out.push(`step: ${verdict.level}`);
        if (verdict.level === 'BREAKING') {
          out.push(migration
            ? `migration: ${before.version} → ${after.version} found (${migration.steps.length} step(s)); run \`trailgraph migrate --dry-run\` to see its plan`
            : `migration: none — add migrations/<domain>/<from>-to-<to>.ts for this breaking step`);
          for (const c of uncovered) out.push(`  not handled by any migration step: ${c.kind} ${c.term}`);
        }
        process.stdout.write(`${out.join('\n')}\n`);
      }
      if (opts.failOnBreaking && verdict.level === 'BREAKING') process.exitCode = 1;
    });
}
