/**
 * Migration steps on Neo4j: pure, parameterised Cypher builders (linted in test/migrations/) and a thin target
 * that runs them through the adapter's executor. Node steps read a batch (`id > $cursor`, by label), rewrite the
 * nodes in JS with the same pure `rewriteNode` the SQLite target uses, and write the batch back with `UNWIND`
 * statements plus the progress record in ONE write transaction. Relationship steps drain the old type.
 * Only ontology names (checked, backtick-quoted) are written into the text; every value is a parameter.
 */
import { MigrationError } from '../../core/migrations/errors.ts';
import { rewriteNode, type NodeRewrite } from '../../core/migrations/node-rewrite.ts';
import type { PlannedStep } from '../../core/migrations/plan.ts';
import type { NodeImage } from '../../core/migrations/steps.ts';
import { labelsOf, type CompiledOntology } from '../../core/ontology/model.ts';
import type { PropertyValue } from '../../core/projection/change-set.ts';
import type { MigrationTarget, StepEstimate, StepProgress } from '../../ports/migration-target.ts';
import { q } from './cypher/names.ts';
import { NODE_LABEL, type Statement } from './cypher/statement.ts';
import type { Executor, Row, Tx } from './executor.ts';

const PROGRESS_PREFIX = 'meta:';

/** A batch of nodes carrying `label` (every graph node when undefined) with id > $cursor. */
export function readNodesStatement(label: string | undefined, cursor: string, limit: number): Statement {
  const match = label === undefined ? '(n:TrailgraphNode)' : `(n:TrailgraphNode:${q(label)})`;
  return {
    cypher: `MATCH ${match} WHERE n.id > $cursor RETURN n.id AS id, n._class AS class, labels(n) AS labels, properties(n) AS props ORDER BY n.id LIMIT $limit`,
    params: { cursor, limit },
  };
}

/** Replaces the properties of nodes wholesale (internal keys included: rows carry them back). */
export function replacePropertiesStatement(rows: readonly { id: string; props: Record<string, unknown> }[]): Statement {
  return { cypher: 'UNWIND $rows AS row MATCH (n:TrailgraphNode {id: row.id}) SET n = row.props', params: { rows } };
}

/** Swaps labels on nodes: removes `remove`, adds `add` (both ontology class names). */
export function relabelStatement(ids: readonly string[], remove: readonly string[], add: readonly string[]): Statement {
  const clauses = [remove.length ? `REMOVE n${remove.map((l) => `:${q(l)}`).join('')}` : '', add.length ? `SET n${add.map((l) => `:${q(l)}`).join('')}` : '']
    .filter(Boolean).join(' ');
  return { cypher: `UNWIND $ids AS id MATCH (n:TrailgraphNode {id: id}) ${clauses}`, params: { ids } };
}

/** Deletes nodes and their relationships. */
export function deleteNodesStatement(ids: readonly string[]): Statement {
  return { cypher: 'UNWIND $ids AS id MATCH (n:TrailgraphNode {id: id}) DETACH DELETE n', params: { ids } };
}

/** Creates nodes of one set of labels, or merges the properties into existing ones; provenance from the owner. */
export function mergeNodesStatement(labels: readonly string[], rows: readonly { id: string; class: string; props: Record<string, unknown>; prov: Record<string, unknown> }[]): Statement {
  const set = labels.map((l) => `:${q(l)}`).join('');
  return {
    cypher: `UNWIND $rows AS row MERGE (n:TrailgraphNode {id: row.id}) ON CREATE SET n += row.prov, n._class = row.class SET n += row.props, n${set}`,
    params: { rows },
  };
}

/** Links pairs of nodes with `type` unless linked; provenance from the owner. */
export function relateStatement(type: string, rows: readonly { from: string; to: string; prov: Record<string, unknown> }[]): Statement {
  return {
    cypher: `UNWIND $rows AS row MATCH (a:TrailgraphNode {id: row.from}) MATCH (b:TrailgraphNode {id: row.to}) MERGE (a)-[r:${q(type)}]->(b) ON CREATE SET r += row.prov`,
    params: { rows },
  };
}

/** Moves up to $limit relationships of `from` to type `to` (reversed when asked), keeping their properties. */
export function moveRelationshipsStatement(from: string, to: string, reverse: boolean, limit: number): Statement {
  const create = reverse ? `CREATE (b)-[r2:${q(to)}]->(a)` : `CREATE (a)-[r2:${q(to)}]->(b)`;
  return {
    cypher: `MATCH (a:TrailgraphNode)-[r:${q(from)}]->(b:TrailgraphNode) WITH a, r, b LIMIT $limit ${create} SET r2 = properties(r) DELETE r RETURN count(r2) AS moved`,
    params: { limit },
  };
}

export function countNodesStatement(label: string | undefined): Statement {
  return { cypher: `MATCH ${label === undefined ? '(n:TrailgraphNode)' : `(n:TrailgraphNode:${q(label)})`} RETURN count(n) AS n`, params: {} };
}

export function countRelationshipsStatement(type: string): Statement {
  return { cypher: `MATCH (:TrailgraphNode)-[r:${q(type)}]->(:TrailgraphNode) RETURN count(r) AS n`, params: {} };
}

export function readProgressStatement(key: string): Statement {
  return { cypher: 'MATCH (m:TrailgraphMeta {key: $key}) RETURN m.value AS value', params: { key: `${PROGRESS_PREFIX}${key}` } };
}

export function writeProgressStatement(key: string, value: string): Statement {
  return { cypher: 'MERGE (m:TrailgraphMeta {key: $key}) SET m.value = $value', params: { key: `${PROGRESS_PREFIX}${key}`, value } };
}

/** Internal (non-ontology) node keys: everything starting with `_`, and `id`. */
const internal = (k: string): boolean => k === 'id' || k.startsWith('_');

function image(row: Row): { node: NodeImage; raw: Record<string, unknown> } {
  const raw = row.props as Record<string, unknown>;
  const properties: Record<string, PropertyValue> = {};
  for (const [k, v] of Object.entries(raw)) if (!internal(k)) properties[k] = v as PropertyValue;
  const labels = (row.labels as string[]).filter((l) => l !== NODE_LABEL);
  return { node: { id: String(row.id), class: String(row.class), labels, properties }, raw };
}

/** The statements writing one batch's rewrites (pure: exported for the lint test). */
export function batchStatements(items: readonly { raw: Record<string, unknown>; before: NodeImage; rewrite: NodeRewrite }[]): Statement[] {
  const replace: { id: string; props: Record<string, unknown> }[] = [];
  const relabel = new Map<string, { ids: string[]; remove: string[]; add: string[] }>();
  const del: string[] = [];
  const creates = new Map<string, { labels: readonly string[]; rows: { id: string; class: string; props: Record<string, unknown>; prov: Record<string, unknown> }[] }>();
  const relates = new Map<string, { from: string; to: string; prov: Record<string, unknown> }[]>();
  for (const { raw, before, rewrite } of items) {
    const prov = { _eventId: raw._eventId, _source: raw._source, _time: raw._time, _seq: raw._seq, _createdSeq: raw._seq };
    if (rewrite.node === null) {
      del.push(before.id);
      continue;
    }
    if (rewrite.node) {
      const keep = Object.fromEntries(Object.entries(raw).filter(([k]) => internal(k)));
      replace.push({ id: before.id, props: { ...keep, ...rewrite.node.properties, _class: rewrite.node.class } });
      const remove = before.labels.filter((l) => !rewrite.node?.labels.includes(l));
      const add = rewrite.node.labels.filter((l) => !before.labels.includes(l));
      if (remove.length || add.length) {
        const key = `${remove.join(',')}|${add.join(',')}`;
        const g = relabel.get(key) ?? { ids: [], remove, add };
        g.ids.push(before.id);
        relabel.set(key, g);
      }
    }
    for (const n of rewrite.create ?? []) {
      const key = n.labels.join(',');
      const g = creates.get(key) ?? { labels: n.labels, rows: [] };
      g.rows.push({ id: n.id, class: n.class, props: { ...n.properties }, prov });
      creates.set(key, g);
    }
    for (const r of rewrite.relate ?? []) {
      const g = relates.get(r.type) ?? [];
      g.push({ from: r.from, to: r.to, prov: { _eventId: prov._eventId, _source: prov._source, _time: prov._time, _seq: prov._seq, _createdSeq: prov._seq } });
      relates.set(r.type, g);
    }
  }
  const out: Statement[] = [];
  if (del.length) out.push(deleteNodesStatement(del));
  if (replace.length) out.push(replacePropertiesStatement(replace));
  for (const g of relabel.values()) out.push(relabelStatement(g.ids, g.remove, g.add));
  for (const g of creates.values()) out.push(mergeNodesStatement(g.labels, g.rows));
  for (const [type, rows] of relates) out.push(relateStatement(type, rows));
  return out;
}

/** The migration target of a Neo4j store; give it an executor on the same database. */
export function createNeo4jMigrationTarget(exec: Executor): MigrationTarget {
  const one = async (tx: Tx, s: Statement): Promise<number> => Number((await tx.run(s))[0]?.n ?? 0);

  const runNodes = async (tx: Tx, step: PlannedStep, label: string | undefined, from: StepProgress | undefined, limit: number, after: CompiledOntology): Promise<StepProgress> => {
    const rows = await tx.run(readNodesStatement(label, from?.cursor ?? '', limit));
    const items = rows.map((row) => {
      const { node, raw } = image(row);
      const rewrite = rewriteNode(step.step, node, { labelsOf: (c) => labelsOf(after, c), time: String(raw._time ?? '') });
      return { raw, before: node, rewrite };
    });
    const changed = items.filter((i) => i.rewrite.node !== undefined || i.rewrite.create?.length || i.rewrite.relate?.length);
    for (const s of batchStatements(changed)) await tx.run(s);
    const last = items[items.length - 1];
    return {
      ...(last ? { cursor: last.before.id } : from?.cursor !== undefined ? { cursor: from.cursor } : {}),
      touched: (from?.touched ?? 0) + changed.length,
      scanned: (from?.scanned ?? 0) + rows.length,
      done: rows.length < limit,
    };
  };

  return {
    kind: 'neo4j',
    progress: (step) =>
      exec.read(async (tx) => {
        const v = (await tx.run(readProgressStatement(step.progressKey)))[0]?.value;
        return typeof v === 'string' ? (JSON.parse(v) as StepProgress) : undefined;
      }),
    runBatch: (step, from, batchSize, after) =>
      exec.write(async (tx) => {
        const s = step.scope;
        let next: StepProgress;
        if (s.scope === 'nodes') next = await runNodes(tx, step, s.label, from, batchSize, after);
        else if (s.scope === 'relationships') {
          if (s.type === s.to && s.reverse) throw new MigrationError(`reverseRelationship ${s.type}: the reversed relationship needs a new name`);
          const moved = s.type === s.to ? 0 : Number((await tx.run(moveRelationshipsStatement(s.type, s.to, s.reverse, batchSize)))[0]?.moved ?? 0);
          const n = (from?.touched ?? 0) + moved;
          next = { touched: n, scanned: n, done: moved < batchSize };
        } else next = { touched: 0, scanned: 0, done: true };
        await tx.run(writeProgressStatement(step.progressKey, JSON.stringify(next)));
        return next;
      }),
    estimate: (steps, after, onScanned) =>
      exec.read(async (tx) => {
        const out = steps.map(() => ({ scanned: 0, touched: 0, created: 0 }));
        const total = await one(tx, countNodesStatement(undefined));
        let cursor = '';
        let seen = 0;
        for (;;) {
          const rows = await tx.run(readNodesStatement(undefined, cursor, 5000));
          for (const row of rows) {
            let { node } = image(row) as { node: NodeImage | null };
            steps.forEach((p, i) => {
              if (node === null || p.scope.scope !== 'nodes') return;
              if (p.scope.label !== undefined && !node.labels.includes(p.scope.label)) return;
              const e = out[i] as { scanned: number; touched: number; created: number };
              e.scanned++;
              const r = rewriteNode(p.step, node, { labelsOf: (c) => labelsOf(after, c), time: '' });
              if (r.node !== undefined || r.create?.length || r.relate?.length) e.touched++;
              e.created += r.create?.length ?? 0;
              node = r.node === undefined ? node : r.node;
            });
          }
          seen += rows.length;
          onScanned?.(seen, total);
          const last = rows[rows.length - 1];
          if (!last || rows.length < 5000) break;
          cursor = String(last.id);
        }
        for (const [i, p] of steps.entries()) {
          if (p.scope.scope !== 'relationships') continue;
          const n = await one(tx, countRelationshipsStatement(p.scope.type));
          out[i] = { scanned: n, touched: p.scope.type === p.scope.to && !p.scope.reverse ? 0 : n, created: 0 };
        }
        return out as StepEstimate[];
      }),
    countNodes: (label) => exec.read((tx) => one(tx, countNodesStatement(label))),
    countRelationships: (type) => exec.read((tx) => one(tx, countRelationshipsStatement(type))),
  };
}
