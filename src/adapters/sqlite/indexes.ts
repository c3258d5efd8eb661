/**
 * Indexes made from the ontology: one partial expression index per single-valued datatype property, on
 * `(json_extract(props, '$.p'), id) WHERE json_extract(props, '$.p') IS NOT NULL`. Filtering on a property
 * (eq, in, ranges, prefix: every comparison implies NOT NULL, so SQLite picks the partial index) stays an index
 * range scan at 1M nodes; the trailing id serves the tie-break of keyset pages.
 *
 * Why partial: a full index holds an entry for EVERY node, most of them NULL (a Patient has no `priority`), so
 * each new node paid one b-tree insert per property of the whole ontology — measured as the largest single cost
 * of projection (9 indexes: ~61 → ~44 CPU µs per 2-node event). The price: a list sorted by a property with no
 * filter on it can no longer walk that index (NULLs must be listed too) and sorts its matches instead.
 * Idempotent; replaces the full `tg_prop_*` indexes of older files.
 */
import type { CompiledOntology } from '../../core/ontology/model.ts';
import type { SqliteDatabase } from './open.ts';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The index statements for an ontology (exported for inspection in tests). */
export function indexStatements(ontology: CompiledOntology): string[] {
  const out: string[] = [];
  for (const p of ontology.properties.values()) {
    if (p.kind !== 'datatype' || !p.functional || !IDENT.test(p.name)) continue;
    const expr = `json_extract(props, '$.${p.name}')`;
    out.push(`CREATE INDEX IF NOT EXISTS tg_pidx_${p.name} ON nodes(${expr}, id) WHERE ${expr} IS NOT NULL`);
  }
  return out;
}

export function createIndexes(db: SqliteDatabase, ontology: CompiledOntology): void {
  const stmts = indexStatements(ontology);
  db.transaction(() => {
    const legacy = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'tg\\_prop\\_%' ESCAPE '\\'").pluck().all() as string[];
    for (const name of legacy) if (IDENT.test(name)) db.exec(`DROP INDEX IF EXISTS ${name}`);
    for (const s of stmts) db.exec(s);
  }).immediate();
}
