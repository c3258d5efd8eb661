/**
 * The graph store port. Adapters: sqlite/ (embedded default), neo4j/ (production), both checked by the one
 * contract suite in test/contract/graph-store.contract.ts.
 *
 * Guarantees every adapter must keep (DESIGN.md "Projection"):
 * - `applyBatch` is atomic: the change sets, their ledger rows and the checkpoint commit together or not at all.
 * - Idempotent by event id: an event already in the ledger is reported `duplicate` with its original seq and
 *   changes nothing.
 * - `seq` is store-assigned, gap-free, strictly increasing, shared by events, marks and claims.
 * - Change sets apply in the order given (the bus keeps per-aggregate order).
 */
import type { CompiledOntology } from '../core/ontology/model.ts';
import type { AppliedChange, ChangeSet, NodeRef, PropertyValue, Scalar } from '../core/projection/change-set.ts';

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

/** Filter operators on datatype properties. `in` takes a list; `exists` a boolean. */
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
  readonly reinforcedAt: string;
}

export interface LeaveMarkInput {
  readonly on: string;
  readonly kind: string;
  readonly strength: number;
  /** Exponential decay: strength halves every halfLifeMs; evaporates below `EVAPORATION_THRESHOLD`. */
  readonly halfLifeMs?: number;
  /** Hard lifetime. At least one of halfLifeMs / ttlMs is required. */
  readonly ttlMs?: number;
  readonly agent: string;
  readonly note?: string;
  readonly now?: number;
}

export interface ReinforceMarkInput {
  readonly markId: string;
  /** Added to the current (decayed) strength; default: back to the initial strength. */
  readonly by?: number;
  readonly agent: string;
  readonly now?: number;
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

/** The result of applying one change set. */
export interface AppliedEvent {
  readonly eventId: string;
  readonly seq: number;
  /** True when the event was already in the ledger (nothing changed; `seq` is the original). */
  readonly duplicate: boolean;
  readonly changes: readonly AppliedChange[];
}

export interface ApplyOptions {
  /** Consumer checkpoint committed in the same transaction (e.g. the JetStream stream sequence). */
  readonly checkpoint?: { readonly name: string; readonly position: number };
}

/** Called after each commit with the new ledger entries (not for duplicates). */
export type CommitListener = (entries: readonly LedgerEntry[]) => void;

/** The graph store port. Every method may throw StoreUnavailableError (retryable). */
export interface GraphStore {
  readonly kind: string;
  /** Prepares tables / constraints / indexes for the ontology. Idempotent; called at start and after migration. */
  init(ontology: CompiledOntology): Promise<void>;
  /** Applies change sets atomically with their ledger rows and the checkpoint. Throws ProjectionConflictError. */
  applyBatch(changeSets: readonly ChangeSet[], options?: ApplyOptions): Promise<readonly AppliedEvent[]>;
  /** The last committed checkpoint position for `name`, or 0. */
  getCheckpoint(name: string): Promise<number>;
  /** The highest committed seq (0 when empty). */
  headSeq(): Promise<number>;
  /** The ledger entry of an applied event, by event id. */
  findEvent(eventId: string): Promise<LedgerEntry | undefined>;
  /** Subscribes to commits in this process. Returns the unsubscribe function. */
  onCommit(listener: CommitListener): () => void;

  getNode(id: string): Promise<NodeRecord | undefined>;
  getNodes(ids: readonly string[]): Promise<ReadonlyMap<string, NodeRecord>>;
  listNodes(query: NodeQuery): Promise<Page<NodeRecord>>;
  /** Related nodes per parent id. */
  related(query: RelatedQuery): Promise<ReadonlyMap<string, Page<NodeRecord>>>;
  /** Count of related nodes per parent id. */
  countRelated(ids: readonly string[], type: string, direction: 'out' | 'in'): Promise<ReadonlyMap<string, number>>;
  /** Nodes within `hops` (both directions), optionally only through relationship types `via`. */
  neighbourhood(id: string, hops: number, options?: { via?: readonly string[]; limit?: number }): Promise<Neighbourhood>;
  /** Shortest-first simple paths between two nodes, both directions. */
  paths(from: string, to: string, maxHops: number, options?: { via?: readonly string[]; limit?: number }): Promise<readonly GraphPath[]>;
  /** Ledger entries that touched node `id`, oldest first. */
  history(id: string, page?: { first?: number; afterSeq?: number }): Promise<readonly LedgerEntry[]>;
  /** Ledger entries with seq > afterSeq, in order, at most `limit`. */
  ledger(afterSeq: number, limit: number): Promise<readonly LedgerEntry[]>;

  /** Records the ontology version the graph is at. */
  setMeta(key: string, value: string): Promise<void>;
  getMeta(key: string): Promise<string | undefined>;

  leaveMark(input: LeaveMarkInput): Promise<{ readonly mark: SignalMark; readonly seq: number }>;
  reinforceMark(input: ReinforceMarkInput): Promise<{ readonly mark: SignalMark; readonly seq: number }>;
  removeMark(markId: string, agent: string): Promise<number | undefined>;
  marksOn(ids: readonly string[], options?: { kind?: string; minStrength?: number; now?: number }): Promise<ReadonlyMap<string, readonly SignalMark[]>>;
  /** Deletes marks that evaporated by `now`, one ledger row each. Returns how many. */
  sweepMarks(now?: number): Promise<number>;

  /** Compare-and-set claim: granted when free or expired, refused with the holder otherwise. */
  claim(input: ClaimInput): Promise<ClaimResult>;
  /** Extends a held claim; refused when the token is not the current holder's. */
  renewClaim(input: ClaimInput & { readonly token: number }): Promise<ClaimResult>;
  /** Releases a held claim; false when the token is not current (already expired / taken over). */
  releaseClaim(input: { readonly on: string; readonly purpose: string; readonly agent: string; readonly token: number; readonly now?: number }): Promise<boolean>;
  claimsOn(ids: readonly string[], now?: number): Promise<ReadonlyMap<string, readonly Claim[]>>;
  /** Frees expired claims, one ledger row each. Returns how many. */
  sweepClaims(now?: number): Promise<number>;

  close(): Promise<void>;
}

/** Marks weaker than this have evaporated. */
export const EVAPORATION_THRESHOLD = 0.01;
