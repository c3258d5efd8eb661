/**
 * Loads an ontology from disk: picks the version folder, reads its Turtle files, resolves `owl:imports` to local
 * files, and hands everything to the pure compiler.
 *
 * Layout: `ontology/trailgraph.ttl` (the tg: vocabulary) and `ontology/<domain>/v<N>/*.ttl`, one folder per
 * released version (immutable). `loadOntology('ontology/referral')` compiles the highest vN.
 * An import is matched against the `owl:Ontology` IRI (or `owl:versionIRI`) declared by the .ttl files under the
 * ontology root (the nearest ancestor folder holding `trailgraph.ttl`, else the folder itself); no network access.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { ConfigError, OntologyError } from '../../core/errors.ts';
import type { OntologyDiagnostic } from '../../core/errors.ts';
import { compileOntology } from '../../core/ontology/compile.ts';
import type { OntologySource } from '../../core/ontology/compile.ts';
import { sameOntology } from '../../core/ontology/extract-header.ts';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import { parseTurtle } from '../../core/ontology/turtle-parse.ts';
import { OWL, RDF } from '../../core/ontology/vocabulary.ts';

/** What a path resolves to: the Turtle files of one ontology version. */
export interface OntologyLocation {
  /** The folder holding the files (the vN folder, or the file's folder). */
  readonly dir: string;
  /** The .ttl files of this version (absolute, sorted). */
  readonly files: readonly string[];
  /** N of the vN folder, when the layout is versioned. */
  readonly version?: number;
  /** Where imports are looked up. */
  readonly root: string;
}

/** The result of loading, errors included (for `trailgraph ontology check`). */
export interface LoadResult {
  readonly ontology?: CompiledOntology;
  readonly diagnostics: readonly OntologyDiagnostic[];
  /** Files compiled, as named in diagnostics (relative to the working directory when inside it). */
  readonly files: readonly string[];
  readonly location: OntologyLocation;
}

const VERSION_DIR = /^v(\d+)$/;

/** The vN folders of a domain folder, highest first. */
export function listVersions(domainDir: string): { version: number; dir: string }[] {
  if (!existsSync(domainDir) || !statSync(domainDir).isDirectory()) return [];
  return readdirSync(domainDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && VERSION_DIR.test(e.name))
    .map((e) => ({ version: Number(VERSION_DIR.exec(e.name)?.[1]), dir: join(domainDir, e.name) }))
    .sort((a, b) => b.version - a.version);
}

const ttlFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ttl'))
    .map((e) => join(dir, e.name))
    .sort();

/** Resolves a .ttl file, a vN folder, or a domain folder (→ its highest vN) to the files to compile. */
export function resolveOntologyDir(path: string): OntologyLocation {
  const abs = resolve(path);
  if (!existsSync(abs)) {
    throw new ConfigError('ontology', `${path} does not exist; pass ontology/<domain>, a version folder (ontology/<domain>/v1) or a .ttl file`);
  }
  if (statSync(abs).isFile()) {
    if (!abs.endsWith('.ttl')) throw new ConfigError('ontology', `${path} is not a Turtle (.ttl) file`);
    return { dir: dirname(abs), files: [abs], root: findRoot(dirname(abs)) };
  }
  let dir = abs;
  let files = ttlFiles(dir);
  if (files.length === 0) {
    const latest = listVersions(abs)[0];
    if (!latest) throw new ConfigError('ontology', `${path} holds no .ttl files and no v<N> version folders`);
    dir = latest.dir;
    files = ttlFiles(dir);
    if (files.length === 0) throw new ConfigError('ontology', `${relative(process.cwd(), dir)} holds no .ttl files`);
  }
  const version = VERSION_DIR.exec(basename(dir))?.[1];
  return { dir, files, root: findRoot(dir), ...(version !== undefined && { version: Number(version) }) };
}

/** The nearest ancestor (up to 4 levels) holding `trailgraph.ttl`; else `dir` itself. */
function findRoot(dir: string): string {
  let d = dir;
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(d, 'trailgraph.ttl'))) return d;
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return dir;
}

function walkTtl(dir: string, depth: number, out: string[]): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory() && depth > 0) walkTtl(p, depth - 1, out);
    else if (e.isFile() && e.name.endsWith('.ttl')) out.push(p);
  }
  return out;
}

interface Catalogued {
  readonly file: string;
  readonly text: string;
  readonly ontologies: readonly string[];
  readonly imports: readonly string[];
}

function catalogue(file: string): Catalogued {
  const text = readFileSync(file, 'utf8');
  const parsed = parseTurtle(file, text);
  const ontologies: string[] = [];
  const imports: string[] = [];
  for (const t of parsed.triples) {
    if (t.predicate.value === RDF.type && t.object.value === OWL.Ontology) ontologies.push(t.subject.value);
    else if (t.predicate.value === OWL.versionIRI) ontologies.push(t.object.value);
    else if (t.predicate.value === OWL.imports) imports.push(t.object.value);
  }
  return { file, text, ontologies, imports };
}

const displayName = (file: string): string => {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
};

/** Reads the version's files and, transitively, the local files its `owl:imports` name. */
export function readOntologySources(location: OntologyLocation): OntologySource[] {
  const loaded = new Map<string, Catalogued>();
  const queue = [...location.files];
  let candidates: Catalogued[] | undefined;
  while (queue.length) {
    const file = queue.shift() as string;
    if (loaded.has(file)) continue;
    const entry = catalogue(file);
    loaded.set(file, entry);
    for (const iri of entry.imports) {
      if ([...loaded.values()].some((l) => l.ontologies.some((o) => sameOntology(o, iri)))) continue;
      candidates ??= walkTtl(location.root, 4, []).map(catalogue);
      // Same folder first (a version's own files), then the highest version folder.
      const match = candidates
        .filter((c) => c.ontologies.some((o) => sameOntology(o, iri)))
        .sort((a, b) => Number(dirname(b.file) === location.dir) - Number(dirname(a.file) === location.dir) || b.file.localeCompare(a.file))[0];
      if (match && !loaded.has(match.file)) queue.push(match.file);
    }
  }
  return [...loaded.values()].map((l) => ({ file: displayName(l.file), text: l.text }));
}

/** Loads and compiles, returning diagnostics instead of throwing on ontology errors. */
export function loadOntologyResult(path: string): LoadResult {
  const location = resolveOntologyDir(path);
  const sources = readOntologySources(location);
  const result = compileOntology(sources);
  return { ...result, files: sources.map((s) => s.file), location };
}

/**
 * Loads the ontology at `path` (a domain folder such as `ontology/referral`, a vN folder, or a .ttl file).
 * Throws OntologyError (every located error) when it does not compile, ConfigError when the path is wrong.
 */
export function loadOntologySync(path: string): CompiledOntology {
  const result = loadOntologyResult(path);
  if (!result.ontology) throw new OntologyError(result.diagnostics);
  return result.ontology;
}

/** Async form of {@link loadOntologySync}, for composition roots. */
export async function loadOntology(path: string): Promise<CompiledOntology> {
  return loadOntologySync(path);
}
