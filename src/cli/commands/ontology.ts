/**
 * `trailgraph ontology …`: work with the versioned Turtle ontology.
 *
 * Other command files add sub-commands to the same group without touching this file:
 *
 *     import { ontologyCommand } from './ontology.ts';
 *     export function register(program: Command): void {
 *       ontologyCommand(program).command('sdl <dir>').description('…').action(…);
 *     }
 *
 * `ontologyCommand(program)` creates the `ontology` group once and returns the same Command on every call, so the
 * order in which command files register does not matter.
 */
import type { Command } from 'commander';
import { ConfigError, formatDiagnostic } from '../../core/errors.ts';
import type { CompiledOntology, ObjectPropertyDef, DatatypePropertyDef, EventTypeDef } from '../../core/ontology/model.ts';
import { loadOntologyResult } from '../../app/ontology/ontology-loader.ts';

/** The `ontology` command group (created on first use). */
export function ontologyCommand(program: Command): Command {
  const existing = program.commands.find((c) => c.name() === 'ontology');
  if (existing) return existing;
  return program
    .command('ontology')
    .description('Check and inspect the ontology (Turtle): classes, properties, SHACL shapes, event types')
    .addHelpText('after', '\nThe ontology lives in ontology/<domain>/v<N>/*.ttl; the vocabulary for event types in ontology/trailgraph.ttl.');
}

export function register(program: Command): void {
  const group = ontologyCommand(program);
  if (group.commands.some((c) => c.name() === 'check')) return;
  group
    .command('check')
    .argument('[path]', 'a domain folder (ontology/referral → its highest vN), a version folder, or a .ttl file (default: env TRAILGRAPH_ONTOLOGY, as trailgraph.config.json sets it)')
    .description('Compile the ontology and report what it contains and every located problem (file:line)')
    .option('--json', 'print a JSON report instead of text')
    .addHelpText('after', '\nExit code 1 when the ontology has errors; warnings (constructs outside the supported subset) do not fail.\nExample: trailgraph ontology check ontology/referral')
    .action((given: string | undefined, opts: { json?: boolean }) => {
      const path = given ?? process.env.TRAILGRAPH_ONTOLOGY;
      if (!path) throw new ConfigError('<path>', 'give the ontology to check (e.g. ontology/referral), or set TRAILGRAPH_ONTOLOGY / trailgraph.config.json');
      const result = loadOntologyResult(path);
      const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
      const warnings = result.diagnostics.length - errors;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ ok: errors === 0, files: result.files, ...(result.ontology && summary(result.ontology)), diagnostics: result.diagnostics }, null, 2)}\n`);
      } else {
        const out: string[] = [];
        if (result.ontology) out.push(...describeOntology(result.ontology));
        else out.push(`ontology at ${path} does not compile (${result.files.length} file(s): ${result.files.join(', ')})`);
        out.push('', `problems: ${errors} error(s), ${warnings} warning(s)`);
        for (const d of result.diagnostics) out.push(`  ${formatDiagnostic(d)}`);
        if (errors) out.push('', 'fix the errors above (file:line) and run the check again');
        process.stdout.write(`${out.join('\n')}\n`);
      }
      if (errors) process.exitCode = 1;
    });
}

function summary(o: CompiledOntology): Record<string, unknown> {
  return {
    iri: o.iri,
    version: o.version,
    versionIri: o.versionIri,
    classes: [...o.classes.values()].map((c) => ({ name: c.name, iri: c.iri, superClasses: c.superClasses, ancestors: c.ancestors })),
    properties: [...o.properties.values()].map((p) => ({ name: p.name, iri: p.iri, kind: p.kind, domain: p.domain, range: p.range ?? null, functional: p.functional, ...(p.kind === 'object' && { inverseName: p.inverseName }) })),
    shapes: [...o.shapes.entries()].map(([name, s]) => ({ name, targetClass: s.targetClass, properties: Object.keys(s.properties) })),
    eventTypes: [...o.eventTypes.values()].map((e) => ({ name: e.name, aggregate: e.aggregate, creates: e.creates, asserts: e.asserts, assertsProperties: e.assertsProperties, retracts: e.retracts, deletes: e.deletes })),
  };
}

const domainText = (d: readonly string[]): string => (d.length ? d.join(' | ') : 'any');

function propertyLine(p: DatatypePropertyDef | ObjectPropertyDef): string {
  const flags = [p.functional ? 'functional' : 'many', p.deprecated ? 'deprecated' : ''].filter(Boolean).join(', ');
  if (p.kind === 'datatype') return `  ${p.name}: ${domainText(p.domain)} → ${p.range} (${flags})`;
  return `  ${p.name}: ${domainText(p.domain)} → ${p.range ?? 'any'} (${flags}; inverse ${p.inverseName}${p.inverseDeclared ? '' : ', generated'})`;
}

function eventLine(e: EventTypeDef): string {
  const parts = [
    e.aggregate && `aggregate ${e.aggregate}`,
    e.creates.length && `creates ${e.creates.join(', ')}`,
    e.asserts.length && `asserts ${e.asserts.join(', ')}`,
    e.assertsProperties.length && `properties ${e.assertsProperties.join(', ')}`,
    e.retracts.length && `retracts ${e.retracts.join(', ')}`,
    e.deletes.length && `deletes ${e.deletes.join(', ')}`,
  ].filter(Boolean);
  return `  ${e.name}: ${parts.join('; ')}`;
}

/** Human-readable description: version, classes with superclasses, properties, shapes, event types. */
export function describeOntology(o: CompiledOntology): string[] {
  const lines = [`ontology ${o.iri} version ${o.version}${o.versionIri ? ` (${o.versionIri})` : ''}`];
  if (o.label) lines.push(`  ${o.label}`);
  lines.push(`files: ${o.files.join(', ')}`, '', `classes (${o.classes.size}):`);
  for (const c of o.classes.values()) lines.push(`  ${c.name}${c.superClasses.length ? ` ⊂ ${c.superClasses.join(', ')}` : ''}${c.deprecated ? ' (deprecated)' : ''}`);
  lines.push('', `properties (${o.properties.size}):`);
  for (const p of o.properties.values()) lines.push(propertyLine(p));
  lines.push('', `shapes (${o.shapes.size}):`);
  for (const [name, s] of o.shapes) {
    const required = Object.entries(s.properties).filter(([, c]) => (c.minCount ?? 0) > 0).map(([n]) => n);
    lines.push(`  ${name} → ${s.targetClass}: ${Object.keys(s.properties).length} constrained, required ${required.join(', ') || 'none'}`);
  }
  lines.push('', `event types (${o.eventTypes.size}):`);
  for (const e of o.eventTypes.values()) lines.push(eventLine(e));
  return lines;
}
