/**
 * createNeo4jStore: the GraphStore port on Neo4j 5. A thin shell: Cypher comes from the pure builders in cypher/,
 * the driver lives in executor.ts, change detection in node-diff.ts.
 */
import { checkClaim, checkReinforceBy } from '../../core/marks/input-rules.ts';
import { createCommitListeners } from '../shared/commit-listeners.ts';
import { ConfigError } from '../../core/errors.ts';
import { claimsOn } from './cypher/claims.ts';
import { marksOn } from './cypher/marks.ts';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import type { GraphStore } from '../../ports/graph-store.ts';
import type { Claim, GraphPath, NodeRecord, Page, SignalMark } from '../../core/store/records.ts';
import { DEFAULT_NEIGHBOURHOOD_LIMIT, DEFAULT_PATH_LIMIT, historyPageSize, hopsWithin, pageSize, resultLimit } from '../../core/store/limits.ts';
import { applyBatch } from './apply-batch.ts';
import { cursorOf } from '../../core/paging/cursor.ts';
import { compareMarks, comparePaths, orderNeighbourhood } from '../../core/store/order.ts';
import { reservedNameClashes } from './cypher/names.ts';
import * as r from './cypher/reads.ts';
import { schemaStatements, showConstraints } from './cypher/schema.ts';
import { createExecutor, type Row } from './executor.ts';
import * as mc from './marks-claims.ts';
import { toClaim, toLedgerEntry, toNodeRecord, toRelationshipRecord, toSignalMark } from './records.ts';
import { scopedFindEvent, scopedHistory, scopedLedger } from './scoped-ledger.ts';
import { checkConstraints, isSchemaForbidden } from './startup.ts';
import { ensureSearchIndex, searchNeo4j } from './search.ts';
import { createNeo4jHistory } from './as-of.ts';
import { upgradeData } from './data-upgrades.ts';
import { historySchema } from './cypher/history.ts';


const unique = (ids: readonly string[]): string[] => [...new Set(ids)];


export interface Neo4jStoreOptions {
  /** `neo4j://host:7687` (routing) or `bolt://host:7687` (direct). */
  readonly uri: string;
  readonly user: string;
  readonly password: string;
  /** Database name; default: the server's default database. */
  readonly database?: string;
  /** The ontology, when known before init(). */
  readonly ontology?: CompiledOntology;
}

export function createNeo4jStore(options: Neo4jStoreOptions): GraphStore {
  const exec = createExecutor(options);
  let ontology = options.ontology;
  const listeners = createCommitListeners();
  const notify = listeners.notify;
  const onto = (): CompiledOntology => {
    if (!ontology) throw new ConfigError('ontology', 'the Neo4j store has no ontology: call init(ontology) first');
    return ontology;
  };
  const page = (rows: readonly unknown[], first: number, sortProp: string, total?: number): Page<NodeRecord> => {
    const nodes = rows.slice(0, first).map((n) => toNodeRecord(ontology, n));
    const items = nodes.map((node) => ({ node, cursor: cursorOf(node, sortProp) }));
    return { items, hasNextPage: rows.length > first, ...(items.length > 0 && { endCursor: items[items.length - 1]!.cursor }), ...(total !== undefined && { totalCount: total }) };
  };

  const meta = {
    headSeq: async () => Number((await exec.query(r.headSeq()))[0]?.head ?? 0),
    async setMeta(key: string, value: string) {
      await exec.write((tx) => tx.run(r.setMeta(key, value)));
    },
    async getMeta(key: string) {
      const [row] = await exec.query(r.getMeta(key));
      return typeof row?.value === 'string' ? row.value : undefined;
    },
  };
  const history = createNeo4jHistory(exec, onto, meta);

  return {
    kind: 'neo4j',
    async init(o) {
      const clashes = reservedNameClashes(o);
      if (clashes.length) throw new ConfigError('ontology', `names reserved by the Neo4j store: ${clashes.join(', ')}; rename them in the ontology`);
      ontology = o;
      // Before any schema statement: an upgrade moves data off names the schema statements are about to reuse.
      await upgradeData(exec);
      try {
        for (const s of schemaStatements(o)) await exec.autoCommit(s);
        for (const s of historySchema()) await exec.autoCommit(s);
        await ensureSearchIndex(exec, o);
      } catch (err) {
        // No schema rights: acceptable only when someone with them created the constraints already (checked next).
        if (!isSchemaForbidden(err)) throw err;
      }
      const rows = await exec.autoCommit(showConstraints());
      checkConstraints((rows[0]?.names as string[] | undefined) ?? []);
      await history.ensureStarted();
    },
    async applyBatch(changeSets, opts) {
      // A batch of only duplicates or none at all (a checkpoint alone) needs no ontology.
      const needsOntology = changeSets.some((cs) => cs.ops.length > 0);
      const { results, entries } = await applyBatch(needsOntology ? onto() : ontology, exec, changeSets, opts);
      notify(entries);
      return results;
    },
    getCheckpoint: async (name) => Number((await exec.query(r.getCheckpoint(name)))[0]?.position ?? 0),
    headSeq: meta.headSeq,
    async findEvent(eventId, scope, source) {
      if (scope) return scopedFindEvent(exec, eventId, scope, source);
      const [row] = await exec.query(r.findEvent(eventId, undefined, source));
      return row ? toLedgerEntry(row.l) : undefined;
    },
    onCommit(listener) {
      return listeners.add(listener);
    },
    async getNode(id, scope) {
      const [row] = await exec.query(r.getNodes([id], scope));
      return row ? toNodeRecord(ontology, row.n) : undefined;
    },
    async getNodes(ids, scope) {
      const rows = await exec.query(r.getNodes(ids, scope));
      return new Map(rows.map((row) => toNodeRecord(ontology, row.n)).map((n) => [n.id, n]));
    },
    async listNodes(query) {
      const now = Date.now();
      const o = onto();
      const q = { ...query, first: pageSize(query.first) };
      return exec.read(async (tx) => {
        const rows = await tx.run(r.listNodes(o, q, now));
        const total = q.includeTotal ? Number((await tx.run(r.countNodes(o, q, now)))[0]?.total ?? 0) : undefined;
        return page(rows.map((x) => x.n), q.first, q.sort?.property ?? 'id', total);
      });
    },
    async related(query) {
      // Unique parents: UNWIND would otherwise fold a repeated id into one group with every node twice.
      const q = { ...query, ids: unique(query.ids), first: pageSize(query.first) };
      const rows = await exec.query(r.related(onto(), q));
      const out = new Map<string, Page<NodeRecord>>();
      for (const id of query.ids) out.set(id, page([], q.first, 'id', q.includeTotal ? 0 : undefined));
      for (const row of rows) out.set(String(row.parentId), page(row.nodes as unknown[], q.first, q.sort?.property ?? 'id', q.includeTotal ? Number(row.total) : undefined));
      return out;
    },
    async countRelated(ids, type, direction, scope) {
      const rows = await exec.query(r.countRelated(onto(), unique(ids), type, direction, scope));
      const out = new Map<string, number>(ids.map((id) => [id, 0]));
      for (const row of rows) out.set(String(row.parentId), Number(row.count));
      return out;
    },
    async neighbourhood(id, hops, opts) {
      const o = onto();
      // `limit` counts the start too; 0 hops is the start alone.
      const limit = resultLimit(opts?.limit, DEFAULT_NEIGHBOURHOOD_LIMIT);
      const n = hopsWithin(hops);
      if (n === 0) {
        const [row] = await exec.query(r.getNodes([id], opts?.scope));
        return { nodes: row ? [{ node: toNodeRecord(o, row.n), distance: 0 }] : [], relationships: [], truncated: false };
      }
      const [row] = await exec.query(r.neighbourhood(o, id, n, opts?.via, limit - 1, opts?.scope));
      if (!row) return { nodes: [], relationships: [], truncated: false };
      const found = (row.nodes as { node: unknown; distance: number }[]).map((x) => ({ node: toNodeRecord(o, x.node), distance: Number(x.distance) }));
      const nodes = [{ node: toNodeRecord(o, row.start), distance: 0 }, ...found];
      return orderNeighbourhood({ nodes, relationships: (row.rels as Row[]).map(toRelationshipRecord), truncated: row.truncated === true });
    },
    async paths(from, to, maxHops, opts) {
      const o = onto();
      const n = hopsWithin(maxHops);
      const limit = resultLimit(opts?.limit, DEFAULT_PATH_LIMIT);
      return exec.read(async (tx) => {
        if (from === to) {
          const [row] = await tx.run(r.getNodes([from], opts?.scope));
          if (!row) return [];
          const node = toNodeRecord(o, row.n);
          return [{ nodes: [{ id: node.id, class: node.class }], relationships: [] }];
        }
        if (n === 0) return [];
        const rows = await tx.run(r.paths(o, from, to, n, opts?.via, limit, opts?.scope));
        // Cypher sorts by (hops, ids) already; core's comparator is the rule, applied again so the two cannot drift.
        return rows.map((row): GraphPath => ({ nodes: row.nodes as GraphPath['nodes'], relationships: (row.rels as Row[]).map(toRelationshipRecord) })).sort(comparePaths);
      });
    },
    async history(id, p, scope) {
      if (scope) return scopedHistory(exec, id, p?.afterSeq ?? 0, historyPageSize(p?.first), scope);
      const rows = await exec.query(r.history(id, p?.afterSeq ?? 0, historyPageSize(p?.first)));
      return rows.map((row) => toLedgerEntry(row.l));
    },
    async ledger(afterSeq, limit, scope) {
      if (scope) return scopedLedger(exec, afterSeq, limit, scope);
      const rows = await exec.query(r.ledger(afterSeq, limit));
      return rows.map((row) => toLedgerEntry(row.l));
    },
    search: (query) => searchNeo4j(exec, ontology, query),
    setMeta: meta.setMeta,
    getMeta: meta.getMeta,
    readsAt: history.readsAt,
    seqAt: history.seqAt,
    historyFrom: history.historyFrom,
    resetHistory: history.resetHistory,
    async leaveMark(input) {
      mc.checkMarkInput(input);
      const { mark, entry } = await exec.write((tx) => mc.leaveMark(tx, input));
      notify([entry]);
      return { mark, seq: entry.seq };
    },
    async reinforceMark(input) {
      checkReinforceBy(input.by);
      const { mark, entry } = await exec.write((tx) => mc.reinforceMark(tx, input));
      notify([entry]);
      return { mark, seq: entry.seq };
    },
    async removeMark(markId, agent, guard) {
      const entry = await exec.write((tx) => mc.removeMark(tx, markId, agent, guard));
      if (entry) notify([entry]);
      return entry?.seq;
    },
    async marksOn(ids, opts) {
      const now = opts?.now ?? Date.now();
      const min = opts?.minStrength ?? 0;
      const rows = await exec.query(marksOn(unique(ids), opts?.kind ?? null, now));
      // Every asked id has an entry (empty when unmarked), in the order asked.
      const out = new Map<string, SignalMark[]>(ids.map((id) => [id, []]));
      for (const row of rows) {
        const m = toSignalMark(row.mark as Row, now);
        if (m.strength > min) out.get(m.on.id)?.push(m);
      }
      // Cypher sorted them already; core's comparator is the rule, applied again so the stores cannot drift.
      for (const list of out.values()) list.sort(compareMarks);
      return out;
    },
    async sweepMarks(now) {
      const entries = await exec.write((tx) => mc.sweepMarks(tx, now ?? Date.now()));
      notify(entries);
      return entries.length;
    },
    async claim(input) {
      checkClaim(input);
      const { result, entries } = await exec.write((tx) => mc.claim(tx, input));
      notify(entries);
      return result;
    },
    async renewClaim(input) {
      checkClaim(input);
      const { result, entries } = await exec.write((tx) => mc.renewClaim(tx, input));
      notify(entries);
      return result;
    },
    async releaseClaim(input) {
      const entry = await exec.write((tx) => mc.releaseClaim(tx, input));
      if (entry) notify([entry]);
      return entry !== undefined;
    },
    async claimsOn(ids, now) {
      const rows = await exec.query(claimsOn(unique(ids), now ?? Date.now()));
      const out = new Map<string, Claim[]>(ids.map((id) => [id, []]));
      for (const row of rows) {
        const c = toClaim(String(row.on), row.onClass, String(row.purpose), row);
        out.get(c.on.id)?.push(c);
      }
      return out;
    },
    async sweepClaims(now) {
      const entries = await exec.write((tx) => mc.sweepClaims(tx, now ?? Date.now()));
      notify(entries);
      return entries.length;
    },
    async close() {
      listeners.clear();
      history.close();
      await exec.close();
    },
  };
}

