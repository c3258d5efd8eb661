/**
 * Full-text search on the SQLite store in one run: what a search costs over HTTP and what keeping the index costs
 * ingest. Two parts, each the existing bench's code:
 * - query (bench/query.ts): `trailgraph serve` on the seeded store of N nodes driven by wrk — `{ __typename }`
 *   beside a ranked search on a term one patient has and on that term plus one every patient has ("patient <n>");
 * - index cost (bench/search-index.ts): CPU per event of the store with its index, without it, and of raw inserts,
 *   the same batches applied in lockstep.
 *
 *   npm run bench -- search --nodes 1000000 --events 10000
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { indexCost } from './search-index.ts';
import { type LoadOptions, measure } from './query.ts';
import { seededStore } from './support/query-seed.ts';

const HELP = `usage: npm run bench -- search [options]

  --nodes 100000          size of the seeded store (cached under --data-dir; 1M takes ~40 min to seed)
  --seconds 8 --rounds 2  length of each wrk run, and rounds (each measures every row back to back)
  --connections 32 --threads 1
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
      nodes: { type: 'string', default: '100000' },
      seconds: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '2' },
      connections: { type: 'string', default: '32' },
      threads: { type: 'string', default: '1' },
      events: { type: 'string', default: '10000' },
      batch: { type: 'string', default: '500' },
      node: { type: 'string', default: process.execPath },
      'data-dir': { type: 'string', default: join(import.meta.dirname, '.data') },
      wrk: { type: 'string', default: 'wrk' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const o: LoadOptions = { seconds: Number(values.seconds), rounds: Number(values.rounds), connections: Number(values.connections), threads: Number(values.threads), wrk: values.wrk };
  const nodes = Number(values.nodes);
  const t0 = performance.now();
  const { path, shape, seeded } = await seededStore(values['data-dir'], nodes);
  console.log(seeded ? `seeded ${nodes} nodes in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${path}` : `using cached ${path}`);
  const query = await measure({ kind: 'sqlite', path }, nodes, shape, SEARCH_ROWS, { node: values.node, nodeArgs: [] }, false, o);

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
  console.log(['', '## Search over HTTP', '', ...query, '', '## What keeping the index costs ingest (same run)', '', ...ingest, ''].join('\n'));
}
