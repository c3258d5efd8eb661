/**
 * Upgrades of the data in a Neo4j database written by an older trailgraph. Schema statements (cypher/schema.ts)
 * are declarative and rerun at every start; a change to how existing data is laid out is not, so it is a numbered
 * step here. `init()` runs the steps the database has not had, in order, before anything else touches it, and
 * records the version reached in TrailgraphMeta (`meta:data.version`) after each step.
 *
 * Every step is idempotent and batched: a process killed midway, or two replicas starting at once, leave nothing
 * half done that the next run does not finish. A database without the version key is either new (every step is a
 * no-op on it) or older than this mechanism (version 1), so both simply run every step.
 */
import { ConfigError } from '../../core/errors.ts';
import * as r from './cypher/reads.ts';
import { NODE_LABEL } from './cypher/statement.ts';
import type { Executor } from './executor.ts';
import { isSchemaForbidden } from './startup.ts';
import { backfillChangeNodes } from './ledger-backfill.ts';

const VERSION_KEY = 'data.version';

/** Rows changed per write transaction: bounded memory and lock time on a large graph. */
const BATCH = 10_000;

export interface DataUpgrade {
  /** The version the database is at once this step has run. */
  readonly version: number;
  /** What it does, for the log and the error when it cannot run. */
  readonly describe: string;
  run(exec: Executor): Promise<void>;
}

/** Runs `cypher` (which must return `count(*) AS n` of rows it changed, at most $limit) until it changes nothing. */
async function untilDone(exec: Executor, cypher: string): Promise<void> {
  for (;;) {
    const [row] = await exec.write((tx) => tx.run({ cypher, params: { limit: BATCH } }));
    if (Number(row?.n ?? 0) === 0) return;
  }
}

/** Schema statements of an upgrade: refused without schema rights, which the error then asks for. */
async function schema(exec: Executor, step: string, cypher: string): Promise<void> {
  try {
    await exec.autoCommit({ cypher, params: {} });
  } catch (err) {
    if (!isSchemaForbidden(err)) throw err;
    throw new ConfigError(
      'TRAILGRAPH_NEO4J_USER',
      `the database needs a one-time upgrade (${step}) that changes its schema, and this user may not; start trailgraph once as a user with schema rights`,
      { cause: err },
    );
  }
}

/** The bookkeeping labels before they were namespaced, and what they are now. */
const OLD_LABELS: ReadonlyArray<readonly [string, string]> = [
  ['Resource', NODE_LABEL],
  ['LedgerEntry', 'TrailgraphLedgerEntry'],
  ['LedgerNodeRef', 'TrailgraphLedgerNodeRef'],
];

/**
 * trailgraph's bookkeeping names were plain words (`Resource` on every graph node, `LedgerEntry`, `LedgerNodeRef`,
 * `TOUCHES`), which kept ontologies from using them (DCAT names a class `Resource`, an accounting ontology
 * `LedgerEntry`). They are namespaced now. Nodes that already carry the graph-node label are new-style (a domain
 * class of that name) and stay as they are. Node versions keep the labels a node had, so theirs move too. The
 * constraints and indexes on the old labels are dropped afterwards; the schema statements and search set-up that
 * follow at start-up create them on the new ones. Ids stay unique while graph nodes move: the new graph-node
 * constraint exists before the first node moves.
 */
const namespacedLabels: DataUpgrade = {
  version: 2,
  describe: 'bookkeeping labels namespaced (Resource → TrailgraphNode, LedgerEntry → TrailgraphLedgerEntry, …)',
  async run(exec) {
    // Looked for first: a user without schema rights gets through when an admin already made it.
    const [have] = await exec.autoCommit({ cypher: "SHOW CONSTRAINTS YIELD name WHERE name = 'tg_node_id' RETURN count(*) AS n", params: {} });
    if (Number(have?.n ?? 0) === 0) {
      await schema(exec, this.describe, `CREATE CONSTRAINT tg_node_id IF NOT EXISTS FOR (n:${NODE_LABEL}) REQUIRE n.id IS UNIQUE`);
    }
    for (const [from, to] of OLD_LABELS) {
      await untilDone(exec, `MATCH (n:\`${from}\`) WHERE NOT n:${NODE_LABEL} WITH n LIMIT $limit SET n:\`${to}\` REMOVE n:\`${from}\` RETURN count(*) AS n`);
    }
    await untilDone(
      exec,
      'MATCH (l:TrailgraphLedgerEntry)-[t:TOUCHES]->(ref:TrailgraphLedgerNodeRef) WITH l, t, ref LIMIT $limit ' +
        'CREATE (l)-[t2:TRAILGRAPH_TOUCHES]->(ref) SET t2 = properties(t) DELETE t RETURN count(*) AS n',
    );
    await untilDone(
      exec,
      `MATCH (v:TrailgraphNodeVersion) WHERE 'Resource' IN v.labels WITH v LIMIT $limit ` +
        `SET v.labels = [l IN v.labels WHERE l <> 'Resource'] RETURN count(*) AS n`,
    );
    const old = OLD_LABELS.map(([from]) => from);
    const [cons] = await exec.autoCommit({
      cypher: 'SHOW CONSTRAINTS YIELD name, labelsOrTypes WHERE labelsOrTypes[0] IN $old RETURN collect(name) AS names',
      params: { old },
    });
    for (const name of namesOf(cons)) await schema(exec, this.describe, `DROP CONSTRAINT \`${name}\` IF EXISTS`);
    const [idx] = await exec.autoCommit({
      cypher: 'SHOW INDEXES YIELD name, labelsOrTypes, owningConstraint WHERE labelsOrTypes[0] IN $old AND owningConstraint IS NULL RETURN collect(name) AS names',
      params: { old },
    });
    for (const name of namesOf(idx)) await schema(exec, this.describe, `DROP INDEX \`${name}\` IF EXISTS`);
  },
};

/** trailgraph's own schema names from a SHOW row: only those it made (`tg_…`), so a user's index is never dropped. */
function namesOf(row: Record<string, unknown> | undefined): string[] {
  return ((row?.names as string[] | undefined) ?? []).filter((n) => /^tg_[A-Za-z0-9_]+$/.test(n));
}

/**
 * Scoped ledger and history reads keep only entries with a fully visible change inside their Cypher, from each
 * entry's per-change node lists (`changeFirstIds` / `changeSecondIds`, cypher/reads.ts). Entries written before
 * carry only the changes as JSON text, which Cypher cannot read without APOC: ledger-backfill.ts reads it in TS and
 * writes the lists, 10k entries per transaction. Until it has run such entries show nothing to a scoped reader.
 */
const ledgerChangeNodes: DataUpgrade = {
  version: 3,
  describe: 'ledger entries get their per-change node lists (changeFirstIds, changeSecondIds) for scoped reads',
  async run(exec) {
    await backfillChangeNodes(exec);
  },
};

/** Every step, by version. */
export const DATA_UPGRADES: readonly DataUpgrade[] = [namespacedLabels, ledgerChangeNodes];

/** The version a database is at once every step has run. */
export const DATA_VERSION = DATA_UPGRADES.reduce((v, s) => Math.max(v, s.version), 1);

/** Runs the steps the database lacks, in order; returns the versions run (empty when it was current). */
export async function upgradeData(exec: Executor, steps: readonly DataUpgrade[] = DATA_UPGRADES): Promise<number[]> {
  const [row] = await exec.query(r.getMeta(VERSION_KEY));
  const at = typeof row?.value === 'string' ? Number(row.value) : 1;
  const newest = steps.reduce((v, s) => Math.max(v, s.version), 1);
  if (at > newest) {
    throw new ConfigError('store', `the Neo4j database is at data version ${at}, newer than this trailgraph knows (${newest}); run a newer trailgraph`);
  }
  const ran: number[] = [];
  for (const step of [...steps].sort((a, b) => a.version - b.version)) {
    if (step.version <= at) continue;
    await step.run(exec);
    await exec.write((tx) => tx.run(r.setMeta(VERSION_KEY, String(step.version))));
    ran.push(step.version);
  }
  return ran;
}
