/**
 * Loading a domain's released versions and migrations from disk: `ontology/<domain>/v<N>/` (oldest first) and
 * `migrations/<domain>/v<N>-to-v<M>.ts` (or `.json`: steps without functions). The result is the VersionChain
 * the upcaster and `trailgraph migrate` work from.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { MigrationError } from '../../core/migrations/errors.ts';
import type { Migration } from '../../core/migrations/steps.ts';
import type { VersionChain } from '../../core/migrations/upcaster.ts';
import { createUpcaster } from '../../core/migrations/upcaster.ts';
import type { CloudEvent } from '../../core/events/cloud-event.ts';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import { importTypeScript } from './import-typescript.ts';
import { loadOntology } from './ontology-loader.ts';

/** The version folders of a domain (`v1`, `v2`, …), oldest first. Empty when `dir` is itself a version folder. */
export function versionFolders(domainDir: string): string[] {
  if (!existsSync(domainDir)) return [];
  return readdirSync(domainDir)
    .filter((n) => /^v\d+$/.test(n) && statSync(join(domainDir, n)).isDirectory())
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

/** The migrations folder of a domain folder: `ontology/referral` → `migrations/referral` (next to `ontology/`). */
export function defaultMigrationsDir(domainDir: string): string {
  return join(resolve(domainDir), '..', '..', 'migrations', basename(resolve(domainDir)));
}

function isMigration(value: unknown): value is Migration {
  const m = value as Partial<Migration> | null;
  return typeof m === 'object' && m !== null && typeof m.from === 'string' && typeof m.to === 'string' && Array.isArray(m.steps);
}

/** Every migration file in `dir` (`*.ts` default-exporting `defineMigration(...)`, or `*.json`). */
export async function loadMigrations(dir: string): Promise<Migration[]> {
  if (!existsSync(dir)) return [];
  const out: Migration[] = [];
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name);
    let value: unknown;
    if (name.endsWith('.json')) value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.includes('.spec.')) value = ((await importTypeScript(resolve(file))) as { default?: unknown }).default;
    else continue;
    if (!isMigration(value)) throw new MigrationError(`${file}: expected a default export made with defineMigration({ from, to, steps })`);
    out.push(value);
  }
  return out;
}

/** A domain's versions with the folder each came from. */
export interface LoadedChain extends VersionChain {
  readonly folders: readonly string[];
  readonly domainDir: string;
  readonly migrationsDir: string;
}

/**
 * Loads every released version of a domain and the migrations between consecutive ones. A domain folder
 * without `v<N>` folders is a single version (no chain). Throws MigrationError when a link is missing.
 */
export async function loadVersionChain(domainDir: string, migrationsDir = defaultMigrationsDir(domainDir)): Promise<LoadedChain> {
  const folders = versionFolders(domainDir);
  const ontologies: CompiledOntology[] = folders.length
    ? await Promise.all(folders.map((f) => loadOntology(join(domainDir, f))))
    : [await loadOntology(domainDir)];
  const available = await loadMigrations(migrationsDir);
  const migrations: Migration[] = [];
  for (let i = 0; i + 1 < ontologies.length; i++) {
    const a = ontologies[i] as CompiledOntology;
    const b = ontologies[i + 1] as CompiledOntology;
    const m = available.find((x) => x.from === a.version && x.to === b.version);
    if (!m) {
      throw new MigrationError(`no migration from ${a.version} (${folders[i]}) to ${b.version} (${folders[i + 1]}) in ${migrationsDir}; add ${folders[i]}-to-${folders[i + 1]}.ts`);
    }
    migrations.push(m);
  }
  return { ontologies, migrations, folders, domainDir, migrationsDir };
}

/**
 * The ingest `upcast` hook for a domain folder, or undefined when there is only one version. Plug it into
 * `createIngestor({ ..., upcast })`.
 */
export async function loadUpcaster(domainDir: string, migrationsDir?: string): Promise<((event: CloudEvent) => CloudEvent) | undefined> {
  if (versionFolders(domainDir).length < 2) return undefined;
  return createUpcaster(await loadVersionChain(domainDir, migrationsDir));
}
