/**
 * The records every graph store reads and writes — nodes, relationships, ledger entries, signal marks, claims —
 * and the query shapes over them. Pure data: the port (src/ports/graph-store.ts) re-exports them, the adapters
 * translate them to rows, and the rules over them live beside them in core (marks/decay.ts, claims/rules.ts,
 * projection/node-diff.ts, store/limits.ts, store/ledger.ts).
 */
import type { AppliedChange, NodeRef, PropertyValue, Scalar } from '../projection/change-set.ts';
import type { ReadScope } from '../auth/read-scope.ts';

/** Provenance of a node or relationship: the last event that touched it. */
export interface RecordProvenance {
  readonly eventId: string;
  readonly source: string;
  readonly time: string;
  /** Ledger seq of the last change. */
  readonly seq: number;
  /** Ledger seq that created it. */
  readonly createdSeq: number;
}

/** A node as read from the store. */
export interface NodeRecord {
  readonly id: string;
  /** The most specific class. */
  readonly class: string;
  /** The class and its ancestors. */
  readonly labels: readonly string[];
  readonly properties: Readonly<Record<string, PropertyValue>>;
  readonly provenance: RecordProvenance;
}

/** A relationship as read from the store. */
export interface RelationshipRecord {
  readonly type: string;
  readonly from: NodeRef;
  readonly to: NodeRef;
  readonly provenance: RecordProvenance;
}

/** One ledger row: an applied event, or a mark/claim change. The source of history, replay and subscriptions. */
export interface LedgerEntry {
  readonly seq: number;
  readonly kind: 'event' | 'mark' | 'claim';
  /** The event id (for marks and claims: a store-made id such as `mark:<id>:<n>`). */
  readonly eventId: string;
  /** The event type, or `tg:MarkLeft`, `tg:MarkReinforced`, `tg:MarkEvaporated`, `tg:ClaimGranted`, … */
  readonly type: string;
  readonly source: string;
  /** The event's time (ISO 8601). */
  readonly time: string;
  /** When the store committed it (ISO 8601). */
  readonly committedAt: string;
  readonly subject?: string;
  readonly traceparent?: string;
  readonly correlationid?: string;
  readonly causationid?: string;
  readonly changes: readonly AppliedChange[];
  /** The event as received, for kind `event`. */
  readonly event?: Readonly<Record<string, unknown>>;
}

/**
 * Filter operators on datatype properties. `in` takes a list; `exists` a boolean. The rules every store follows:
 * `ne` also matches nodes without the property; on a multi-valued property a node matches when one of its values
 * does (`ne`: when none equals); `contains` ignores case and matches numbers and booleans on their text; `prefix`
 * is case-sensitive.
 */
export type FilterOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'prefix' | 'contains' | 'exists';

export interface PropertyFilter {
  /** A datatype property name, or `id`. Always an ontology name, never user text (adapters inline it). */
  readonly property: string;
  readonly op: FilterOp;
  readonly value: Scalar | readonly Scalar[];
}

/** "Nodes carrying a mark of this kind stronger than minStrength". */
export interface MarkFilter {
  readonly kind: string;
  /** Exclusive lower bound on the current (decayed) strength; default 0. */
  readonly minStrength?: number;
  /** When true, select nodes WITHOUT such a mark instead. */
  readonly absent?: boolean;
}

/** "Nodes with / without a relationship of this type". */
export interface RelationshipFilter {
  readonly type: string;
  readonly direction: 'out' | 'in';
  /** true = must have at least one; false = must have none. */
  readonly exists: boolean;
}

/** Sort order: nodes without the property come first ascending and last descending; ties are broken by id in the same direction. */
export interface SortSpec {
  /** A datatype property name or `id`. Ties are broken by id. */
  readonly property: string;
  readonly direction: 'asc' | 'desc';
}

/** Keyset (cursor) page request. */
export interface PageRequest {
  readonly first: number;
  /** An opaque cursor from a previous page. */
  readonly after?: string;
  /** Compute `totalCount` (costs a count query). */
  readonly includeTotal?: boolean;
  /** Only nodes the caller may read (see ports/graph-store.ts ReadScope). */
  readonly scope?: ReadScope;
}

export interface NodeQuery extends PageRequest {
  /** Class name; subclasses included. */
  readonly class: string;
  readonly filters?: readonly PropertyFilter[];
  readonly marks?: readonly MarkFilter[];
  readonly relationships?: readonly RelationshipFilter[];
  readonly sort?: SortSpec;
}

export interface Page<T> {
  readonly items: readonly { readonly node: T; readonly cursor: string }[];
  readonly hasNextPage: boolean;
  readonly endCursor?: string;
  readonly totalCount?: number;
}

/** Related nodes of many parents at once (one query per request, no N+1). */
export interface RelatedQuery extends PageRequest {
  readonly ids: readonly string[];
  readonly type: string;
  /** `out`: (parent)-[type]->(node); `in`: (node)-[type]->(parent). */
  readonly direction: 'out' | 'in';
  readonly filters?: readonly PropertyFilter[];
  readonly sort?: SortSpec;
}

/**
 * A neighbourhood walk's answer. Its relationships are those the walk crossed: both endpoints among the nodes and
 * at least one nearer than the hop limit (a relationship between two nodes both at the outermost distance is not
 * part of the answer).
 */
export interface Neighbourhood {
  /** Nodes within the hop limit, with their distance from the start (start itself at 0). */
  readonly nodes: readonly { readonly node: NodeRecord; readonly distance: number }[];
  readonly relationships: readonly RelationshipRecord[];
  /** True when `limit` cut the result. */
  readonly truncated: boolean;
}

export interface GraphPath {
  /** Node ids from start to end. */
  readonly nodes: readonly NodeRef[];
  /** Relationships in path order, each with its real direction. */
  readonly relationships: readonly RelationshipRecord[];
}

/** A signal mark on a node, with its strength decayed to `now`. */
export interface SignalMark {
  readonly id: string;
  readonly on: NodeRef;
  readonly kind: string;
  /** Strength decayed to the read time. */
  readonly strength: number;
  /** Strength at the last reinforcement. */
  readonly initialStrength: number;
  readonly halfLifeMs?: number;
  readonly expiresAt: string;
  readonly agent: string;
  readonly note?: string;
  readonly createdAt: string;
  /** Seq of the ledger row that recorded the mark being left: with createdAt, its place among a node's marks (core/store/order.ts). */
  readonly createdSeq: number;
  readonly reinforcedAt: string;
}

export interface LeaveMarkInput {
  readonly on: string;
  readonly kind: string;
  readonly strength: number;
  /** Exponential decay: strength halves every halfLifeMs; evaporates below `EVAPORATION_THRESHOLD` (marks/decay.ts). */
  readonly halfLifeMs?: number;
  /** Hard lifetime. At least one of halfLifeMs / ttlMs is required. */
  readonly ttlMs?: number;
  readonly agent: string;
  readonly note?: string;
  readonly now?: number;
}

/**
 * Who may act on a mark that already exists, checked by the store in the writing transaction once it has the
 * mark (a mark's kind and node are known only then). Absent = anyone (auth off).
 */
export interface MarkGuard {
  /** Only marks on nodes this scope shows: any other is reported as absent, so its node's existence stays hidden. */
  readonly scope?: ReadScope;
  /** Throws (ForbiddenError) when the caller may not act on marks of this kind. */
  readonly checkKind?: (kind: string) => void;
}

export interface ReinforceMarkInput {
  readonly markId: string;
  /** Added to the current (decayed) strength; default: back to the initial strength. */
  readonly by?: number;
  readonly agent: string;
  readonly now?: number;
  readonly guard?: MarkGuard;
}

export interface Claim {
  readonly on: NodeRef;
  readonly purpose: string;
  readonly agent: string;
  /** Fencing token: strictly increases per (node, purpose), across releases and expiries. */
  readonly token: number;
  readonly expiresAt: string;
  readonly grantedAt: string;
}

export interface ClaimInput {
  readonly on: string;
  readonly purpose: string;
  readonly agent: string;
  readonly ttlMs: number;
  readonly now?: number;
}

export type ClaimResult =
  | { readonly granted: true; readonly claim: Claim; readonly seq: number }
  | { readonly granted: false; readonly holder: Claim };

/**
 * Full-text search (core/search/query.ts is the query language): nodes whose searchable properties match every
 * term, best first (BM25 in SQLite FTS5, Lucene's BM25 score in Neo4j), ties by id.
 */
export interface SearchQuery {
  readonly text: string;
  /** Only nodes carrying one of these labels (subclasses included); absent or empty = any class. */
  readonly classes?: readonly string[];
  readonly first: number;
  /** The endCursor of a previous page of the same search. */
  readonly after?: string;
  readonly scope?: ReadScope;
}

/** One search hit: the node and its relevance (higher is better; comparable within one answer only). */
export interface SearchHit {
  readonly node: NodeRecord;
  readonly score: number;
  readonly cursor: string;
}

export interface SearchPage {
  readonly items: readonly SearchHit[];
  readonly hasNextPage: boolean;
  readonly endCursor?: string;
}

/** The result of applying one change set. */
export interface AppliedEvent {
  readonly eventId: string;
  readonly seq: number;
  /** True when the event was already in the ledger (nothing changed; `seq` is the original). */
  readonly duplicate: boolean;
  /**
   * With `duplicate`: the key (source, id) is in the ledger but the content differs — an id reused for another
   * event. Nothing changed; `seq` is the original's. The ingestor reports it as a conflict and dead-letters it.
   */
  readonly conflict?: boolean;
  readonly changes: readonly AppliedChange[];
}

export interface ApplyOptions {
  /** Consumer checkpoint committed in the same transaction (e.g. the JetStream stream sequence). */
  readonly checkpoint?: { readonly name: string; readonly position: number };
}

