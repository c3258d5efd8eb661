/**
 * Benchmark dispatcher: `node --import tsx bench/run.ts <name> [args]` runs bench/<name>.ts (its `main(argv)`).
 * `npm run bench -- projection --nodes 10000`.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './support/wrk.ts';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here).filter((f) => f.endsWith('.ts') && f !== 'run.ts').map((f) => f.slice(0, -3));
const [name, ...args] = process.argv.slice(2);
if (!name || !/^[a-z0-9-]+$/.test(name) || !available.includes(name)) {
  console.error(`usage: node --import tsx bench/run.ts <name> [args]\navailable: ${available.join(', ')}`);
  process.exit(2);
}
const mod = (await import(`./${name}.ts`)) as { main?: (argv: string[]) => Promise<void> };
if (typeof mod.main !== 'function') {
  console.error(`bench/${name}.ts exports no main(argv)`);
  process.exit(2);
}
try {
  await mod.main(args);
} catch (err) {
  // A mistyped flag is the user's to fix, not a crash: say which and where help is, without a stack.
  if (err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`bench ${name}: ${(err as Error).message}\nsee: npm run bench -- ${name} --help`);
    process.exit(2);
  }
  throw err;
}
