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
import type { ChangeSet } from '../core/projection/change-set.ts';
import type {
  AppliedEvent, ApplyOptions, Claim, ClaimInput, ClaimResult, GraphPath, LeaveMarkInput, LedgerEntry, Neighbourhood, NodeQuery,
  MarkGuard, NodeRecord, Page, RelatedQuery, ReinforceMarkInput, SearchPage, SearchQuery, SignalMark,
} from '../core/store/records.ts';

// The records and their constants live in core (one rulebook for every store); the port re-exports them.
export type * from '../core/store/records.ts';
export { EVAPORATION_THRESHOLD } from '../core/marks/decay.ts';
import type { ReadScope } from '../core/auth/read-scope.ts';

/**
 * Reads take an optional ReadScope (core/auth/read-scope.ts): the nodes the caller may see. An adapter compiles it
 * into the query itself (SQL / Cypher) — a node outside it is never returned, counted, walked through or shown in
 * a ledger entry. Absent = no restriction.
 */
export type { ReadScope };

/** Called after each commit with the new ledger entries (not for duplicates). */
export type CommitListener = (entries: readonly LedgerEntry[]) => void;

/** Nodes with something waiting on them (GraphStore.waitingNodes). */
export interface WaitingNodes {
  readonly oldestMarkNode: string | undefined;
  readonly claimNodesNearExpiry: readonly string[];
}

/** The reads an as-of view (GraphStore.readsAt) answers: the present's signatures and scope rules. */
export type GraphReads = Pick<GraphStore, 'getNode' | 'getNodes' | 'listNodes' | 'related' | 'countRelated' | 'neighbourhood' | 'paths'>;

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
  /**
   * The ledger entry of an applied event, by event id: the first event that used the id, or with `source` the
   * one event of that idempotency key (ids are unique per source only). With a scope: only when it touched a
   * visible node, and then without the raw event and without changes about nodes outside the scope (as for
   * history and ledger).
   */
  findEvent(eventId: string, scope?: ReadScope, source?: string): Promise<LedgerEntry | undefined>;
  /**
   * Optional: the first event carrying `correlationid` = `correlationId` (process view by correlation id). Without
   * it, a correlation is found only through one of its events (or when its root's event id is the correlation id).
   */
  firstOfCorrelation?(correlationId: string): Promise<LedgerEntry | undefined>;
  /** Optional: where the oldest live signal mark is and which nodes hold claims expiring within `nearExpiryMs`. */
  waitingNodes?(now: number, nearExpiryMs: number, limit: number): Promise<WaitingNodes>;
  /** Subscribes to commits in this process. Returns the unsubscribe function. */
  onCommit(listener: CommitListener): () => void;

  getNode(id: string, scope?: ReadScope): Promise<NodeRecord | undefined>;
  getNodes(ids: readonly string[], scope?: ReadScope): Promise<ReadonlyMap<string, NodeRecord>>;
  listNodes(query: NodeQuery): Promise<Page<NodeRecord>>;
  /** Related nodes per parent id. */
  related(query: RelatedQuery): Promise<ReadonlyMap<string, Page<NodeRecord>>>;
  /** Count of related nodes per parent id. */
  countRelated(ids: readonly string[], type: string, direction: 'out' | 'in', scope?: ReadScope): Promise<ReadonlyMap<string, number>>;
  /**
   * Nodes within `hops` (both directions), optionally only through relationship types `via`. With a scope the
   * walk never enters (or passes through) a node outside it.
   */
  neighbourhood(id: string, hops: number, options?: { via?: readonly string[]; limit?: number; scope?: ReadScope }): Promise<Neighbourhood>;
  /** Shortest-first simple paths between two nodes, both directions; with a scope, only through visible nodes. */
  paths(from: string, to: string, maxHops: number, options?: { via?: readonly string[]; limit?: number; scope?: ReadScope }): Promise<readonly GraphPath[]>;
  /**
   * Full-text search over the ontology's searchable properties (DatatypePropertyDef.searchable). The index is
   * written in the same transaction as the graph, so a committed event is searchable at once. Throws
   * BadInputError (argument `text` / `after`) for a query it cannot run.
   */
  search(query: SearchQuery): Promise<SearchPage>;
  /**
   * The graph as it was just after ledger entry `seq` committed (core/store/as-of.ts): the same reads, with the
   * same scope rules, over the store's versioned rows — a node deleted later is there, one created later is not.
   * The scope is evaluated against the graph as it was then. Throws BadInputError (argument `asOf`) for a seq
   * after the head or before `historyFrom()`. Mark filters (`NodeQuery.marks`) read the present and are refused.
   */
  readsAt(seq: number): Promise<GraphReads>;
  /** The last seq committed at or before `time` (ISO 8601; 0 when none). */
  seqAt(time: string): Promise<number>;
  /** The first seq as-of reads answer for (0 when the store kept history from its first event). */
  historyFrom(): Promise<number>;
  /**
   * Drops the history and starts it again from the current graph at the head: called after an ontology migration
   * rewrote the graph (history rows keep the shape they were written in, and as-of answers use today's schema).
   */
  resetHistory(): Promise<void>;
  /** Ledger entries that touched node `id`, oldest first (scoped: see findEvent). */
  history(id: string, page?: { first?: number; afterSeq?: number }, scope?: ReadScope): Promise<readonly LedgerEntry[]>;
  /** Ledger entries with seq > afterSeq, in order, at most `limit` (scoped: see findEvent). */
  ledger(afterSeq: number, limit: number, scope?: ReadScope): Promise<readonly LedgerEntry[]>;

  /** Records the ontology version the graph is at. */
  setMeta(key: string, value: string): Promise<void>;
  getMeta(key: string): Promise<string | undefined>;

  leaveMark(input: LeaveMarkInput): Promise<{ readonly mark: SignalMark; readonly seq: number }>;
  reinforceMark(input: ReinforceMarkInput): Promise<{ readonly mark: SignalMark; readonly seq: number }>;
  /** Removes a mark; undefined when there is none (or `guard.scope` hides its node). `guard` as for reinforceMark. */
  removeMark(markId: string, agent: string, guard?: MarkGuard): Promise<number | undefined>;
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

