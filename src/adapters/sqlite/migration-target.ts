/**
 * Migration steps executed on the SQLite store, in batches. Node steps walk the nodes of the step's label in id
 * order (keyset: `id > cursor`); relationship steps drain the relationships of the old type. Each batch is one
 * IMMEDIATE transaction that also writes the step's progress row to `meta`, so a killed migration resumes
 * exactly where the last commit left it. Migrations leave provenance alone: they are not events.
 */
import type { Statement } from 'better-sqlite3';
import { MigrationError } from '../../core/migrations/errors.ts';
import { rewriteNode, type NodeRewrite } from '../../core/migrations/node-rewrite.ts';
import type { PlannedStep } from '../../core/migrations/plan.ts';
import type { NodeImage } from '../../core/migrations/steps.ts';
import { labelsOf, type CompiledOntology } from '../../core/ontology/model.ts';
import type { PropertyValue } from '../../core/projection/change-set.ts';
import type { MigrationTarget, StepEstimate, StepProgress } from '../../ports/migration-target.ts';
import { guard } from './context.ts';
import type { SqliteDatabase } from './open.ts';
import { NODE_COLUMNS, type NodeRow } from './rows.ts';
import { createSearchWrites } from './search-writes.ts';

interface RelRow {
  from_id: string;
  to_id: string;
  event_id: string;
  source: string;
  time: string;
  seq: number;
  created_seq: number;
}

function image(row: NodeRow): NodeImage {
  return { id: row.id, class: row.class, labels: JSON.parse(row.labels) as string[], properties: JSON.parse(row.props) as Record<string, PropertyValue> };
}

/** The migration target of a SQLite store; pass the store's connection (`createSqliteStore(...).db`). */
export function createSqliteMigrationTarget(db: SqliteDatabase): MigrationTarget {
  const stmt = (() => {
    const cache = new Map<string, Statement>();
    return (sql: string): Statement => {
      let s = cache.get(sql);
      if (!s) cache.set(sql, (s = db.prepare(sql)));
      return s;
    };
  })();
  const read = <T>(fn: () => T): Promise<T> => Promise.resolve().then(() => guard(fn));
  // The full-text index rows of the nodes a batch rewrites are written at the end of the batch's transaction.
  const search = createSearchWrites(db);

  const readProgress = (key: string): StepProgress | undefined => {
    const v = stmt('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined;
    return v === undefined ? undefined : (JSON.parse(v) as StepProgress);
  };
  const writeProgress = (key: string, p: StepProgress): void => {
    stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(p));
  };

  const nodeBatch = (label: string | undefined, cursor: string, limit: number): NodeRow[] =>
    (label === undefined
      ? stmt(`SELECT ${NODE_COLUMNS} FROM nodes n WHERE n.id > ? ORDER BY n.id LIMIT ?`).all(cursor, limit)
      : stmt(`SELECT ${NODE_COLUMNS} FROM node_labels l JOIN nodes n ON n.id = l.id WHERE l.label = ? AND l.id > ? ORDER BY l.id LIMIT ?`).all(label, cursor, limit)) as NodeRow[];

  // node_labels is keyed (label, id): delete by both, never by id alone (that would scan the table).
  const setLabels = (id: string, from: readonly string[], to: readonly string[]): void => {
    const del = stmt('DELETE FROM node_labels WHERE label = ? AND id = ?');
    for (const l of from) if (!to.includes(l)) del.run(l, id);
    const ins = stmt('INSERT OR IGNORE INTO node_labels (label, id) VALUES (?, ?)');
    for (const l of to) ins.run(l, id);
  };

  const deleteNode = (id: string, labels: readonly string[]): void => {
    setLabels(id, labels, []);
    for (const sql of [
      'DELETE FROM nodes WHERE id = ?', 'DELETE FROM rels WHERE from_id = ?',
      'DELETE FROM rels WHERE to_id = ?', 'DELETE FROM marks WHERE node_id = ?', 'DELETE FROM claims WHERE node_id = ?',
    ]) stmt(sql).run(id);
    search.deleted(id);
  };

  /** Writes one rewrite; new nodes and relationships take the owner's provenance. */
  const apply = (row: NodeRow, before: NodeImage, r: NodeRewrite): void => {
    if (r.node === null) return deleteNode(row.id, before.labels);
    if (r.node) {
      stmt('UPDATE nodes SET class = ?, labels = ?, props = ? WHERE id = ?').run(r.node.class, JSON.stringify(r.node.labels), JSON.stringify(r.node.properties), row.id);
      search.updated(row.id, r.node.properties, before.properties);
      if (JSON.stringify(r.node.labels) !== JSON.stringify(before.labels)) setLabels(row.id, before.labels, r.node.labels);
    }
    for (const n of r.create ?? []) {
      const existing = stmt('SELECT props FROM nodes WHERE id = ?').pluck().get(n.id) as string | undefined;
      if (existing === undefined) {
        stmt('INSERT INTO nodes (id, class, labels, props, event_id, source, time, seq, created_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(n.id, n.class, JSON.stringify(n.labels), JSON.stringify(n.properties), row.event_id, row.source, row.time, row.seq, row.seq);
        setLabels(n.id, [], n.labels);
        search.created(n.id, n.properties);
      } else {
        const merged = { ...(JSON.parse(existing) as Record<string, PropertyValue>), ...n.properties };
        stmt('UPDATE nodes SET props = ? WHERE id = ?').run(JSON.stringify(merged), n.id);
        search.updated(n.id, merged, existing);
      }
    }
    for (const rel of r.relate ?? []) {
      stmt('INSERT OR IGNORE INTO rels (type, from_id, to_id, event_id, source, time, seq, created_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(rel.type, rel.from, rel.to, row.event_id, row.source, row.time, row.seq, row.seq);
    }
  };

  const runNodes = (step: PlannedStep, label: string | undefined, from: StepProgress | undefined, limit: number, after: CompiledOntology): StepProgress => {
    const rows = nodeBatch(label, from?.cursor ?? '', limit);
    let touched = 0;
    for (const row of rows) {
      const before = image(row);
      const r = rewriteNode(step.step, before, { labelsOf: (c) => labelsOf(after, c), time: row.time });
      if (r.node === undefined && !r.create?.length && !r.relate?.length) continue;
      apply(row, before, r);
      touched++;
    }
    const last = rows[rows.length - 1];
    return {
      ...(last ? { cursor: last.id } : from?.cursor !== undefined ? { cursor: from.cursor } : {}),
      touched: (from?.touched ?? 0) + touched,
      scanned: (from?.scanned ?? 0) + rows.length,
      done: rows.length < limit,
    };
  };

  const runRelationships = (type: string, to: string, reverse: boolean, from: StepProgress | undefined, limit: number): StepProgress => {
    if (type === to && reverse) throw new MigrationError(`reverseRelationship ${type}: the reversed relationship needs a new name`);
    const rows = (type === to ? [] : stmt('SELECT from_id, to_id, event_id, source, time, seq, created_seq FROM rels WHERE type = ? LIMIT ?').all(type, limit)) as RelRow[];
    const del = stmt('DELETE FROM rels WHERE type = ? AND from_id = ? AND to_id = ?');
    const ins = stmt('INSERT OR IGNORE INTO rels (type, from_id, to_id, event_id, source, time, seq, created_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    for (const r of rows) {
      del.run(type, r.from_id, r.to_id);
      ins.run(to, reverse ? r.to_id : r.from_id, reverse ? r.from_id : r.to_id, r.event_id, r.source, r.time, r.seq, r.created_seq);
    }
    const n = (from?.touched ?? 0) + rows.length;
    return { touched: n, scanned: n, done: rows.length < limit };
  };

  return {
    kind: 'sqlite',
    progress: (step) => read(() => readProgress(step.progressKey)),
    runBatch: (step, from, batchSize, after) =>
      read(() =>
        search.transaction(() => {
          const s = step.scope;
          const next: StepProgress =
            s.scope === 'nodes' ? runNodes(step, s.label, from, batchSize, after)
              : s.scope === 'relationships' ? runRelationships(s.type, s.to, s.reverse, from, batchSize)
                : { touched: 0, scanned: 0, done: true };
          writeProgress(step.progressKey, next);
          return next;
        }),
      ),
    estimate: (steps, after, onScanned) =>
      read(() => {
        const out = steps.map(() => ({ scanned: 0, touched: 0, created: 0 }));
        const total = stmt('SELECT count(*) FROM nodes').pluck().get() as number;
        let cursor = '';
        let seen = 0;
        const nodeSteps = steps.map((p, i) => [p, i] as const).filter(([p]) => p.scope.scope === 'nodes');
        for (;;) {
          const rows = nodeBatch(undefined, cursor, 5000);
          for (const row of rows) {
            let node: NodeImage | null = image(row);
            for (const [p, i] of nodeSteps) {
              if (node === null) break;
              const label = p.scope.scope === 'nodes' ? p.scope.label : undefined;
              if (label !== undefined && !node.labels.includes(label)) continue;
              const e = out[i] as { scanned: number; touched: number; created: number };
              e.scanned++;
              const r = rewriteNode(p.step, node, { labelsOf: (c) => labelsOf(after, c), time: row.time });
              if (r.node !== undefined || r.create?.length || r.relate?.length) e.touched++;
              e.created += r.create?.length ?? 0;
              node = r.node === undefined ? node : r.node;
            }
          }
          seen += rows.length;
          onScanned?.(seen, total);
          const last = rows[rows.length - 1];
          if (!last || rows.length < 5000) break;
          cursor = last.id;
        }
        steps.forEach((p, i) => {
          if (p.scope.scope !== 'relationships') return;
          const n = stmt('SELECT count(*) FROM rels WHERE type = ?').pluck().get(p.scope.type) as number;
          out[i] = { scanned: n, touched: p.scope.type === p.scope.to && !p.scope.reverse ? 0 : n, created: 0 };
        });
        return out as StepEstimate[];
      }),
    countNodes: (label) =>
      read(() => (label === undefined
        ? stmt('SELECT count(*) FROM nodes').pluck().get()
        : stmt('SELECT count(*) FROM node_labels WHERE label = ?').pluck().get(label)) as number),
    countRelationships: (type) => read(() => stmt('SELECT count(*) FROM rels WHERE type = ?').pluck().get(type) as number),
  };
}
