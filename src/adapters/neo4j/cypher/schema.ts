/**
 * Constraints and indexes from the ontology. Every statement is `IF NOT EXISTS`, so `init()` can run them at each
 * start. Uniqueness constraints are what make MERGE safe under concurrency (MERGE takes the constraint's lock).
 */
import type { CompiledOntology } from '../../../core/ontology/model.ts';
import { q } from './names.ts';
import { NODE_LABEL, type Statement } from './statement.ts';

/**
 * Constraint names trailgraph depends on: the start-up check looks for these. A node's scoped history names the
 * ledger-node-ref index in a planner hint (cypher/reads.ts), which fails outright without it.
 */
export const REQUIRED_CONSTRAINTS = ['tg_node_id', 'tg_ledger_key', 'tg_ledger_seq', 'tg_meta_key', 'tg_ledger_node_ref'] as const;

const stmt = (cypher: string): Statement => ({ cypher, params: {} });

/** The names of the database's constraints, for the start-up check (startup.ts checkConstraints). */
export function showConstraints(): Statement {
  return stmt('SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names');
}

/** Every schema statement for `ontology`, in the order to run them. */
export function schemaStatements(ontology: CompiledOntology): Statement[] {
  const out: Statement[] = [
    stmt('CREATE CONSTRAINT tg_node_id IF NOT EXISTS FOR (n:TrailgraphNode) REQUIRE n.id IS UNIQUE'),
    // The idempotency key is (source, eventId), as CloudEvents defines uniqueness; stores made before had eventId
    // alone unique, which would refuse another producer's event with the same id.
    stmt('DROP CONSTRAINT tg_ledger_event_id IF EXISTS'),
    stmt('CREATE CONSTRAINT tg_ledger_key IF NOT EXISTS FOR (l:TrailgraphLedgerEntry) REQUIRE (l.eventId, l.source) IS UNIQUE'),
    stmt('CREATE INDEX tg_ledger_event_lookup IF NOT EXISTS FOR (l:TrailgraphLedgerEntry) ON (l.eventId)'),
    stmt('CREATE CONSTRAINT tg_ledger_seq IF NOT EXISTS FOR (l:TrailgraphLedgerEntry) REQUIRE l.seq IS UNIQUE'),
    stmt('CREATE CONSTRAINT tg_meta_key IF NOT EXISTS FOR (m:TrailgraphMeta) REQUIRE m.key IS UNIQUE'),
    stmt('CREATE CONSTRAINT tg_checkpoint_name IF NOT EXISTS FOR (c:TrailgraphCheckpoint) REQUIRE c.name IS UNIQUE'),
    stmt('CREATE CONSTRAINT tg_ledger_node_ref IF NOT EXISTS FOR (r:TrailgraphLedgerNodeRef) REQUIRE r.id IS UNIQUE'),
    stmt('CREATE CONSTRAINT tg_mark_id IF NOT EXISTS FOR (m:TrailgraphMark) REQUIRE m.id IS UNIQUE'),
    stmt('CREATE CONSTRAINT tg_claim_key IF NOT EXISTS FOR (c:TrailgraphClaim) REQUIRE (c.on, c.purpose) IS UNIQUE'),
    stmt('CREATE INDEX tg_mark_on IF NOT EXISTS FOR (m:TrailgraphMark) ON (m.on, m.kind)'),
    stmt('CREATE INDEX tg_mark_expiry IF NOT EXISTS FOR (m:TrailgraphMark) ON (m.expiresAt)'),
    stmt('CREATE INDEX tg_claim_expiry IF NOT EXISTS FOR (c:TrailgraphClaim) ON (c.expiresAt)'),
  ];
  for (const name of [...ontology.classes.keys()].sort()) {
    // Per-class uniqueness: lookups by (label, id) use it, and it documents the contract in the database.
    out.push(stmt(`CREATE CONSTRAINT ${q(`tg_${name}_id`)} IF NOT EXISTS FOR (n:${q(name)}) REQUIRE n.id IS UNIQUE`));
  }
  for (const [name, def] of [...ontology.properties].sort(([a], [b]) => a.localeCompare(b))) {
    if (def.kind !== 'datatype') continue;
    // Range index per (domain class, property): filters and sorts in listNodes start from a class label.
    const domains = def.domain.length ? def.domain : [NODE_LABEL];
    for (const d of domains) out.push(stmt(`CREATE INDEX ${q(`tg_${d}_${name}`)} IF NOT EXISTS FOR (n:${q(d)}) ON (n.${q(name)})`));
  }
  return out;
}
