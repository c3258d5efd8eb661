/**
 * Benchmark dispatcher: `node --import tsx bench/run.ts <name> [args]` runs bench/<name>.ts (its `main(argv)`).
 * `npm run bench -- projection --nodes 10000`.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

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
await mod.main(args);
