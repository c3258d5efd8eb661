/**
 * Indexes made from the ontology: one expression index per single-valued datatype property, on
 * `(json_extract(props, '$.p'), id)`, so filtering and sorting on any property stays an index range scan at
 * 1M nodes (the trailing id serves the tie-break of keyset pages). Idempotent (IF NOT EXISTS).
 */
import type { CompiledOntology } from '../../core/ontology/model.ts';
import type { SqliteDatabase } from './open.ts';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The index statements for an ontology (exported for inspection in tests). */
export function indexStatements(ontology: CompiledOntology): string[] {
  const out: string[] = [];
  for (const p of ontology.properties.values()) {
    if (p.kind !== 'datatype' || !p.functional || !IDENT.test(p.name)) continue;
    out.push(`CREATE INDEX IF NOT EXISTS tg_prop_${p.name} ON nodes(json_extract(props, '$.${p.name}'), id)`);
  }
  return out;
}

export function createIndexes(db: SqliteDatabase, ontology: CompiledOntology): void {
  const stmts = indexStatements(ontology);
  db.transaction(() => {
    for (const s of stmts) db.exec(s);
  }).immediate();
}
