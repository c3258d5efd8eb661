/**
 * What the full-text index costs per event on the SQLite store: the same batches of ReferralRequested change sets
 * (bench/projection.ts) applied by four writers in one process, in lockstep — each batch goes to every side, the
 * order rotating batch by batch so the noise of a shared machine hits all alike — CPU time (user + system) per
 * side, per event:
 * - store: the store as it is (contentless FTS5 index written at the end of each transaction);
 * - store, first-format index: the same store with the index of the first format (content FTS5 table kept by
 *   triggers on `nodes`; this code leaves such a file's index to its triggers until init rebuilds it);
 * - store, no index: the same store with the index dropped — the floor the index is measured against;
 * - raw: bare better-sqlite3 inserts of the same rows (the projection bench's floor).
 *
 *   node --import tsx bench/run.ts search-index --events 10000
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { createSqliteStore, type SqliteGraphStore } from '../src/adapters/sqlite/index.ts';
import { searchColumns } from '../src/adapters/sqlite/search.ts';
import { SEARCH_META_KEY } from '../src/adapters/sqlite/search-writes.ts';
import type { ChangeSet } from '../src/core/projection/change-set.ts';
import { clinicOntology } from '../test/fixtures/clinic-ontology.ts';
import { installFirstFormat } from '../test/fixtures/search-format-1.ts';
import { type Apply, openRaw, projectionEvent } from './projection.ts';

const ontology = clinicOntology();
const DATA = join(import.meta.dirname, '.data');

interface Side {
  readonly name: string;
  readonly apply: Apply;
  close(): Promise<void> | void;
  cpuMicros: number;
}

const clean = (path: string): void => {
  for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
};

async function storeSide(name: string, path: string, prepare: (store: SqliteGraphStore) => void): Promise<Side> {
  clean(path);
  const store = createSqliteStore({ path, ontology });
  await store.init(ontology);
  prepare(store);
  let position = 0;
  return {
    name,
    apply: async (css) => {
      await store.applyBatch(css, { checkpoint: { name: 'bench', position: (position += css.length) } });
    },
    close: async () => {
      await store.close();
      clean(path);
    },
    cpuMicros: 0,
  };
}

function dropIndex(store: SqliteGraphStore): void {
  store.db.exec('DROP TABLE search_text; DROP TABLE search_docs');
  store.db.prepare('DELETE FROM meta WHERE key = ?').run(SEARCH_META_KEY);
}

/** Options of one index-cost run. */
export interface IndexCostOptions {
  /** Events (2 nodes each). */
  readonly events: number;
  /** Change sets per batch (one transaction). */
  readonly batch: number;
  /** Where the four stores' files are written (and removed after). */
  readonly dir?: string;
}

/** Runs the four writers in lockstep and returns the result as markdown lines (a heading line, then the table). */
export async function indexCost({ events, batch, dir = DATA }: IndexCostOptions): Promise<string[]> {
  const rawPath = join(dir, 'search-index-raw.db');
  clean(rawPath);
  const raw = openRaw(rawPath);
  const sides: Side[] = [
    await storeSide('store (index written at commit)', join(dir, 'search-index-store.db'), () => undefined),
    await storeSide('store, first-format index (triggers)', join(dir, 'search-index-format-1.db'), (s) => installFirstFormat(s.db, searchColumns(ontology))),
    await storeSide('store, no index', join(dir, 'search-index-none.db'), dropIndex),
    { name: 'raw inserts', apply: raw.apply, close: () => { raw.close(); clean(rawPath); }, cpuMicros: 0 },
  ];
  try {
    for (let start = 0, k = 0; start < events; start += batch, k++) {
      const css: ChangeSet[] = [];
      for (let i = start; i < Math.min(events, start + batch); i++) css.push(projectionEvent(i));
      for (let j = 0; j < sides.length; j++) {
        const side = sides[(j + k) % sides.length] as Side;
        const before = process.cpuUsage();
        await side.apply(css);
        const used = process.cpuUsage(before);
        side.cpuMicros += used.user + used.system;
      }
    }
    const floor = sides[2] as Side;
    return [
      `${events.toLocaleString('en-US')} events (2 nodes + 1 relationship + 1 ledger row each), batches of ${batch}, ${sides.length} sides in lockstep`,
      '',
      '| writer | CPU µs/event | ÷ store without index |',
      '|---|---:|---:|',
      ...sides.map((s) => `| ${s.name} | ${(s.cpuMicros / events).toFixed(1)} | ${(s.cpuMicros / floor.cpuMicros).toFixed(2)}× |`),
    ];
  } finally {
    for (const s of sides) await s.close();
  }
}

export async function main(argv: string[]): Promise<void> {
  const opts = new Command('search-index')
    .description('CPU µs/event of the SQLite store with its full-text index, with the first-format index, with none, and of raw inserts, in lockstep')
    .option('--events <n>', 'events (2 nodes each)', '10000')
    .option('--batch <n>', 'change sets per batch (one transaction)', '500')
    .parse(argv, { from: 'user' })
    .opts<{ events: string; batch: string }>();
  console.log((await indexCost({ events: Number(opts.events), batch: Number(opts.batch) })).join('\n'));
}
