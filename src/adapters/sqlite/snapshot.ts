/**
 * A graph state held in a private in-memory SQLite database, answering the same reads as the store: how stores
 * without their own as-of read path (Neo4j) answer as-of reads — the versions valid at a seq are loaded once, and
 * every read then runs the SQLite read code, scope rules included, so both stores answer alike.
 */
import type { CompiledOntology } from '../../core/ontology/model.ts';
import type { GraphReads, NodeRecord, RelationshipRecord } from '../../ports/graph-store.ts';
import { readsOver } from './as-of.ts';
import { createContext, guard } from './context.ts';
import { createIndexes } from './indexes.ts';
import { openDatabase } from './open.ts';

/** A loaded state: its reads, and close() to free its memory. */
export interface GraphSnapshot extends GraphReads {
  /** Nodes loaded. */
  readonly size: number;
  close(): void;
}

/** Loads `nodes` and `rels` (the relationships between them) into a new in-memory database. */
export function openSnapshot(ontology: CompiledOntology, nodes: Iterable<NodeRecord>, rels: Iterable<RelationshipRecord>): GraphSnapshot {
  const db = openDatabase({ path: ':memory:' });
  const ctx = createContext(db, ontology, () => undefined);
  createIndexes(db, ontology);
  let size = 0;
  db.transaction(() => {
    const node = db.prepare('INSERT INTO nodes (id, class, labels, props, event_id, source, time, seq, created_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const label = db.prepare('INSERT OR IGNORE INTO node_labels (label, id) VALUES (?, ?)');
    const rel = db.prepare('INSERT OR IGNORE INTO rels (type, from_id, to_id, event_id, source, time, seq, created_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    for (const n of nodes) {
      const p = n.provenance;
      node.run(n.id, n.class, JSON.stringify(n.labels), JSON.stringify(n.properties), p.eventId, p.source, p.time, p.seq, p.createdSeq);
      for (const l of n.labels) label.run(l, n.id);
      size++;
    }
    for (const r of rels) {
      const p = r.provenance;
      rel.run(r.type, r.from.id, r.to.id, p.eventId, p.source, p.time, p.seq, p.createdSeq);
    }
  })();
  const run = <T>(fn: () => T): Promise<T> => Promise.resolve().then(() => guard(fn));
  return {
    size,
    ...readsOver(ctx, run),
    close: () => {
      if (db.open) db.close();
    },
  };
}
