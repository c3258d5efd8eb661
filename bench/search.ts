/**
 * Full-text search on the SQLite store in one run: what a search costs over HTTP and what keeping the index costs
 * ingest. Two parts, each the existing bench's code:
 * - query (bench/query.ts): `trailgraph serve` on the seeded store of N nodes driven by wrk — `{ __typename }`
 *   beside a ranked search on a term one patient has and on that term plus one every patient has ("patient <n>");
 * - ranking, in process on the same file: each search row's query answered by FTS5's `bm25()` (as before the
 *   store ranked rare-plus-common queries itself) and by the store as it is, interleaved, µs per query;
 * - index cost (bench/search-index.ts): CPU per event of the store with its index, without it, and of raw inserts,
 *   the same batches applied in lockstep.
 *
 *   npm run bench -- search --nodes 1000000 --events 10000
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createContext } from '../src/adapters/sqlite/context.ts';
import { openDatabase } from '../src/adapters/sqlite/open.ts';
import { search } from '../src/adapters/sqlite/search.ts';
import { loadOntology } from '../src/app/ontology/ontology-loader.ts';
import { indexCost } from './search-index.ts';
import { measure } from './query.ts';
import { loadArgs, loadOptions } from './support/wrk.ts';
import { seededStore, type SeedShape } from './support/query-seed.ts';

const HELP = `usage: npm run bench -- search [options]

  --nodes 100000          size of the seeded store (cached under --data-dir; 1M takes ~40 min to seed)
  --seconds 8 --rounds 2  length of each wrk run, and rounds (each measures every row back to back)
  --connections 32 --threads 1
  --samples 2000          queries per row in the in-process ranking comparison
  --events 10000          events of the index-cost part (2 nodes each); 0 skips it
  --batch 500             change sets per transaction in the index-cost part
  --node PATH             the Node the server runs on (default: this one)
  --data-dir DIR          where seeded stores are cached (default bench/.data)
  --wrk PATH              the wrk binary (default: wrk on PATH)
`;

/** The query rows measured: trivial (the baseline), a rare term, a rare term plus a common one. */
export const SEARCH_ROWS = ['trivial', 'search-rare', 'search'] as const;

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', default: false },
      ...loadArgs({ seconds: 8, rounds: 2, connections: 32 }),
      nodes: { type: 'string', default: '100000' },
      samples: { type: 'string', default: '2000' },
      events: { type: 'string', default: '10000' },
      batch: { type: 'string', default: '500' },
      node: { type: 'string', default: process.execPath },
      'data-dir': { type: 'string', default: join(import.meta.dirname, '.data') },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const o = loadOptions(values);
  const nodes = Number(values.nodes);
  const t0 = performance.now();
  const { path, shape, seeded } = await seededStore(values['data-dir'], nodes);
  console.log(seeded ? `seeded ${nodes} nodes in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${path}` : `using cached ${path}`);
  const query = await measure({ kind: 'sqlite', path }, nodes, shape, SEARCH_ROWS, { node: values.node, nodeArgs: [] }, false, o);
  const ranking = await rankingComparison(path, shape, Number(values.samples));

  const events = Number(values.events);
  let ingest: string[] = ['(index cost skipped: --events 0)'];
  if (events > 0) {
    const dir = mkdtempSync(join(tmpdir(), 'tg-search-bench-'));
    try {
      console.log(`index cost: ${events} events in lockstep (load ${(loadavg()[0] ?? 0).toFixed(1)})`);
      ingest = await indexCost({ events, batch: Number(values.batch), dir });
      ingest[0] += `, 1-min load average ${(loadavg()[0] ?? 0).toFixed(1)} at the end`;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(['', '## Search over HTTP', '', ...query, '', '## Ranking in process, FTS5 bm25() against the store (same file, same run)', '', ...ranking, '', '## What keeping the index costs ingest (same run)', '', ...ingest, ''].join('\n'));
}

/**
 * Each search row's query (random patients) answered in process by FTS5's bm25() and by the store's search as it
 * is (its own ranking when a rare word pairs with a common one), interleaved query by query; mean and p99 µs.
 */
async function rankingComparison(path: string, shape: SeedShape, samples: number): Promise<string[]> {
  const ontology = await loadOntology('ontology/referral');
  const db = openDatabase({ path });
  const ctx = createContext(db, ontology, () => undefined);
  const rows = [
    { name: '"<n>" (a term one patient has)', text: (n: number) => String(n) },
    { name: '"patient <n>" (plus a term every patient has)', text: (n: number) => `patient ${n}` },
  ];
  const lines = ['| Query (first 10, classes: Patient) | FTS5 bm25() µs mean / p99 | store µs mean / p99 | same answers |', '|---|---:|---:|---:|'];
  try {
    for (const row of rows) {
      const times = { fts5: [] as number[], auto: [] as number[] };
      let same = 0;
      for (let i = 0; i < samples; i++) {
        const q = { text: row.text(Math.floor(Math.random() * shape.patients)), classes: ['Patient'], first: 10 };
        const answers: string[] = [];
        for (const ranking of i % 2 ? (['fts5', 'auto'] as const) : (['auto', 'fts5'] as const)) {
          const t = performance.now();
          const page = search(ctx, q, ranking);
          times[ranking].push((performance.now() - t) * 1000);
          answers.push(JSON.stringify(page.items.map((h) => [h.node.id, h.score])));
        }
        if (answers[0] === answers[1]) same++;
      }
      const stat = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return `${(s.reduce((a, b) => a + b, 0) / s.length).toFixed(0)} / ${(s[Math.floor(0.99 * (s.length - 1))] ?? 0).toFixed(0)}`; };
      lines.push(`| ${row.name} | ${stat(times.fts5)} | ${stat(times.auto)} | ${same}/${samples} |`);
      console.log(lines.at(-1));
    }
  } finally {
    db.close();
  }
  return [`${samples} queries per row, random patients, interleaved (1-min load average ${(loadavg()[0] ?? 0).toFixed(1)})`, '', ...lines];
}
