/**
 * createNeo4jStore: the GraphStore port on Neo4j 5. A thin shell: Cypher comes from the pure builders in cypher/,
 * the driver lives in executor.ts, change detection in node-diff.ts.
 */
import { ConfigError } from '../../core/errors.ts';
import { claimsOn } from './cypher/claims.ts';
import { marksOn } from './cypher/marks.ts';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import type { CommitListener, GraphPath, GraphStore, LedgerEntry, NodeRecord, Page } from '../../ports/graph-store.ts';
import { applyBatch } from './apply-batch.ts';
import { encodeCursor } from './cypher/cursor.ts';
import { reservedNameClashes } from './cypher/names.ts';
import * as r from './cypher/reads.ts';
import { REQUIRED_CONSTRAINTS, schemaStatements } from './cypher/schema.ts';
import { createExecutor, type Row } from './executor.ts';
import * as mc from './marks-claims.ts';
import { toClaim, toLedgerEntry, toNodeRecord, toRelationshipRecord, toSignalMark } from './records.ts';
import type { Claim, SignalMark } from '../../ports/graph-store.ts';

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
  const listeners = new Set<CommitListener>();
  const notify = (entries: readonly LedgerEntry[]): void => {
    if (entries.length) for (const l of listeners) l(entries);
  };
  const onto = (): CompiledOntology => {
    if (!ontology) throw new ConfigError('ontology', 'the Neo4j store has no ontology: call init(ontology) first');
    return ontology;
  };
  const page = (rows: readonly unknown[], first: number, sortProp: string, total?: number): Page<NodeRecord> => {
    const nodes = rows.slice(0, first).map((n) => toNodeRecord(ontology, n));
    const items = nodes.map((node) => ({ node, cursor: encodeCursor(sortProp === 'id' ? null : ((node.properties[sortProp] ?? null) as never), node.id) }));
    return { items, hasNextPage: rows.length > first, ...(items.length > 0 && { endCursor: items[items.length - 1]!.cursor }), ...(total !== undefined && { totalCount: total }) };
  };

  return {
    kind: 'neo4j',
    async init(o) {
      const clashes = reservedNameClashes(o);
      if (clashes.length) throw new ConfigError('ontology', `names reserved by the Neo4j store: ${clashes.join(', ')}; rename them in the ontology`);
      ontology = o;
      try {
        for (const s of schemaStatements(o)) await exec.autoCommit(s);
      } catch (err) {
        const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code ?? '';
        if (!code.startsWith('Neo.ClientError.Security.Forbidden')) throw err;
        // No schema rights: acceptable only when someone with them created the constraints already.
      }
      const rows = await exec.autoCommit({ cypher: 'SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names', params: {} });
      const names = new Set((rows[0]?.names as string[] | undefined) ?? []);
      const missing = REQUIRED_CONSTRAINTS.filter((n) => !names.has(n));
      if (missing.length) {
        throw new ConfigError('TRAILGRAPH_NEO4J_USER', `the database lacks constraints ${missing.join(', ')} and this user may not create them; run \`trailgraph neo4j schema | cypher-shell\` as an admin, or grant schema rights`);
      }
    },
    async applyBatch(changeSets, opts) {
      const { results, entries } = await applyBatch(onto(), exec, changeSets, opts);
      notify(entries);
      return results;
    },
    getCheckpoint: async (name) => Number((await exec.read((tx) => tx.run(r.getCheckpoint(name))))[0]?.position ?? 0),
    headSeq: async () => Number((await exec.read((tx) => tx.run(r.headSeq())))[0]?.head ?? 0),
    async findEvent(eventId) {
      const [row] = await exec.read((tx) => tx.run(r.findEvent(eventId)));
      return row ? toLedgerEntry(row.l) : undefined;
    },
    onCommit(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async getNode(id) {
      const [row] = await exec.read((tx) => tx.run(r.getNodes([id])));
      return row ? toNodeRecord(ontology, row.n) : undefined;
    },
    async getNodes(ids) {
      const rows = await exec.read((tx) => tx.run(r.getNodes(ids)));
      return new Map(rows.map((row) => toNodeRecord(ontology, row.n)).map((n) => [n.id, n]));
    },
    async listNodes(query) {
      const now = Date.now();
      const o = onto();
      return exec.read(async (tx) => {
        const rows = await tx.run(r.listNodes(o, query, now));
        const total = query.includeTotal ? Number((await tx.run(r.countNodes(o, query, now)))[0]?.total ?? 0) : undefined;
        return page(rows.map((x) => x.n), query.first, query.sort?.property ?? 'id', total);
      });
    },
    async related(query) {
      const rows = await exec.read((tx) => tx.run(r.related(onto(), query)));
      const out = new Map<string, Page<NodeRecord>>();
      for (const id of query.ids) out.set(id, page([], query.first, 'id', query.includeTotal ? 0 : undefined));
      for (const row of rows) out.set(String(row.parentId), page(row.nodes as unknown[], query.first, query.sort?.property ?? 'id', query.includeTotal ? Number(row.total) : undefined));
      return out;
    },
    async countRelated(ids, type, direction) {
      const rows = await exec.read((tx) => tx.run(r.countRelated(onto(), ids, type, direction)));
      return new Map(rows.map((row) => [String(row.parentId), Number(row.count)]));
    },
    async neighbourhood(id, hops, opts) {
      const o = onto();
      return exec.read(async (tx) => {
        const [row] = await tx.run(r.neighbourhoodNodes(o, id, hops, opts?.via, opts?.limit ?? 1000));
        if (!row) return { nodes: [], relationships: [], truncated: false };
        const found = (row.nodes as { node: unknown; distance: number }[]).map((x) => ({ node: toNodeRecord(o, x.node), distance: Number(x.distance) }));
        const nodes = [{ node: toNodeRecord(o, row.start), distance: 0 }, ...found];
        const rels = await tx.run(r.relationshipsAmong(o, nodes.map((n) => n.node.id), opts?.via));
        return { nodes, relationships: rels.map((x) => toRelationshipRecord(x.rel as Row)), truncated: row.truncated === true };
      });
    },
    async paths(from, to, maxHops, opts) {
      if (from === to) {
        const n = await this.getNode(from);
        return n ? [{ nodes: [{ id: n.id, class: n.class }], relationships: [] }] : [];
      }
      const rows = await exec.read((tx) => tx.run(r.paths(onto(), from, to, maxHops, opts?.via, opts?.limit ?? 10)));
      return rows.map((row): GraphPath => ({ nodes: row.nodes as GraphPath['nodes'], relationships: (row.rels as Row[]).map(toRelationshipRecord) }));
    },
    async history(id, p) {
      const rows = await exec.read((tx) => tx.run(r.history(id, p?.afterSeq ?? 0, p?.first ?? 100)));
      return rows.map((row) => toLedgerEntry(row.l));
    },
    async ledger(afterSeq, limit) {
      const rows = await exec.read((tx) => tx.run(r.ledger(afterSeq, limit)));
      return rows.map((row) => toLedgerEntry(row.l));
    },
    async setMeta(key, value) {
      await exec.write((tx) => tx.run(r.setMeta(key, value)));
    },
    async getMeta(key) {
      const [row] = await exec.read((tx) => tx.run(r.getMeta(key)));
      return typeof row?.value === 'string' ? row.value : undefined;
    },
    async leaveMark(input) {
      const { mark, entry } = await exec.write((tx) => mc.leaveMark(tx, input));
      notify([entry]);
      return { mark, seq: entry.seq };
    },
    async reinforceMark(input) {
      const { mark, entry } = await exec.write((tx) => mc.reinforceMark(tx, input));
      notify([entry]);
      return { mark, seq: entry.seq };
    },
    async removeMark(markId, agent) {
      const entry = await exec.write((tx) => mc.removeMark(tx, markId, agent));
      if (entry) notify([entry]);
      return entry?.seq;
    },
    async marksOn(ids, opts) {
      const rows = await exec.read((tx) => tx.run(marksOn(ids, opts?.kind ?? null, opts?.minStrength ?? 0, opts?.now ?? Date.now())));
      const out = new Map<string, SignalMark[]>();
      for (const row of rows) {
        const m = toSignalMark(row.mark as Row);
        out.set(m.on.id, [...(out.get(m.on.id) ?? []), m]);
      }
      return out;
    },
    async sweepMarks(now) {
      const entries = await exec.write((tx) => mc.sweepMarks(tx, now ?? Date.now()));
      notify(entries);
      return entries.length;
    },
    async claim(input) {
      const { result, entries } = await exec.write((tx) => mc.claim(tx, input));
      notify(entries);
      return result;
    },
    async renewClaim(input) {
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
      const rows = await exec.read((tx) => tx.run(claimsOn(ids, now ?? Date.now())));
      const out = new Map<string, Claim[]>();
      for (const row of rows) {
        const c = toClaim(String(row.on), row.onClass, String(row.purpose), row);
        out.set(c.on.id, [...(out.get(c.on.id) ?? []), c]);
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
      await exec.close();
    },
  };
}

