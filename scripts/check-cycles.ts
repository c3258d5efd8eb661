/**
 * CI check: no import cycle among the project's TypeScript files, type-only imports included. ESLint's
 * import-x/no-cycle skips `import type` by design; a cycle of types still ties two files so that neither can be
 * read, moved or tested without the other. Prints each cycle as a chain of files; exits 1 when there is one.
 *
 *   node --import tsx scripts/check-cycles.ts [folder ...]   (default: src test bench scripts migrations)
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['src', 'test', 'bench', 'scripts', 'migrations'];

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(resolve(p));
  }
  return out;
}

/** Relative imports of `file`, static, type-only, dynamic and re-exports alike, resolved to files. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith('./') || spec.startsWith('../'))
    .map((spec) => resolve(dirname(file), spec))
    .filter((target) => existsSync(target));
}

const files = roots.filter((r) => existsSync(r)).flatMap((r) => walk(r));
const graph = new Map(files.map((f) => [f, importsOf(f)]));

// Tarjan's strongly connected components: every component of more than one file (or a file importing itself) is a cycle.
const index = new Map<string, number>();
const low = new Map<string, number>();
const stack: string[] = [];
const onStack = new Set<string>();
const cycles: string[][] = [];
let next = 0;
function visit(v: string): void {
  index.set(v, next);
  low.set(v, next++);
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!index.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v)!, low.get(w)!));
    } else if (onStack.has(w)) {
      low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
  }
  if (low.get(v) !== index.get(v)) return;
  const component: string[] = [];
  for (let w = stack.pop()!; ; w = stack.pop()!) {
    onStack.delete(w);
    component.push(w);
    if (w === v) break;
  }
  if (component.length > 1 || graph.get(v)?.includes(v)) cycles.push(component);
}
for (const f of files) if (!index.has(f)) visit(f);

for (const c of cycles) {
  const members = new Set(c);
  process.stderr.write(`import cycle of ${c.length} file(s):\n`);
  for (const f of c.sort()) {
    const inCycle = (graph.get(f) ?? []).filter((t) => members.has(t)).map((t) => relative('.', t));
    process.stderr.write(`  ${relative('.', f)} -> ${inCycle.join(', ')}\n`);
  }
}
if (cycles.length) process.exit(1);
process.stdout.write(`no import cycles among ${files.length} files (type-only imports included)\n`);
