#!/usr/bin/env node
// Compiles a package's src/ to dist/ (JS + declarations + source maps), for the published package: the repository
// itself runs the TypeScript directly. `node scripts/build.mjs [packageDir]` (default: the repository root).
// Besides tsc: copies the non-TypeScript files src/ reads at run time (the demo page), and turns the `.ts` import
// specifiers tsc leaves in declarations into `.js`, so consumers' tools that predate `.ts` specifiers read them too.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const pkg = resolve(process.argv[2] ?? root);
const { compilerOptions } = JSON.parse(readFileSync(join(pkg, 'tsconfig.build.json'), 'utf8'));
const src = resolve(pkg, compilerOptions.rootDir);
const dist = resolve(pkg, compilerOptions.outDir);

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
const res = spawnSync(process.execPath, [tsc, '-p', join(pkg, 'tsconfig.build.json')], { stdio: 'inherit' });
if (res.status !== 0) process.exit(res.status ?? 1);

for (const file of walk(src)) {
  if (file.endsWith('.ts') || file.includes('.spec.')) continue;
  const target = join(dist, file.slice(src.length));
  cpSync(file, target, { recursive: true });
}
const tsSpecifier = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g;
for (const file of walk(dist)) {
  if (!file.endsWith('.d.ts')) continue;
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(tsSpecifier, '$1$2.js$3');
  if (fixed !== text) writeFileSync(file, fixed);
}
console.error(`built ${JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).name}: ${walk(dist).filter((f) => f.endsWith('.js')).length} modules in ${dist}`);
