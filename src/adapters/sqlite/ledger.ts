/**
 * The ledger: one row per applied event, mark change or claim change, with a gap-free seq. Writes happen inside
 * the caller's write transaction; `seq` is max+1 read inside that transaction, so two processes can never take
 * the same number and a rolled-back transaction leaves no hole.
 */
import type { AppliedChange } from '../../core/projection/change-set.ts';
import type { LedgerEntry } from '../../core/store/records.ts';
import { systemEventId, touchedIds } from '../../core/store/ledger.ts';
import type { StoreContext } from './context.ts';
import type { ReadScope } from '../../core/auth/read-scope.ts';
import { entryShown, redactEntry } from '../../core/auth/ledger-view.ts';
import { ledgerScopeFragment, visibility } from './scope.ts';

/** A ledger row as selected. */
export interface LedgerRow {
  seq: number;
  event_id: string;
  kind: LedgerEntry['kind'];
  type: string;
  source: string;
  time: string;
  committed_at: string;
  subject: string | null;
  traceparent: string | null;
  correlationid: string | null;
  causationid: string | null;
  changes: string;
  event: string | null;
}

export const LEDGER_COLUMNS =
  'l.seq, l.event_id, l.kind, l.type, l.source, l.time, l.committed_at, l.subject, l.traceparent, l.correlationid, l.causationid, l.changes, l.event';

export function rowToEntry(r: LedgerRow): LedgerEntry {
  return {
    seq: r.seq,
    kind: r.kind,
    eventId: r.event_id,
    type: r.type,
    source: r.source,
    time: r.time,
    committedAt: r.committed_at,
    ...(r.subject !== null && { subject: r.subject }),
    ...(r.traceparent !== null && { traceparent: r.traceparent }),
    ...(r.correlationid !== null && { correlationid: r.correlationid }),
    ...(r.causationid !== null && { causationid: r.causationid }),
    changes: JSON.parse(r.changes) as AppliedChange[],
    ...(r.event !== null && { event: JSON.parse(r.event) as Record<string, unknown> }),
  };
}

/** The next seq. Call only inside a write transaction. */
export function nextSeq(ctx: StoreContext): number {
  const row = ctx.stmt('SELECT coalesce(max(seq), 0) + 1 AS s FROM ledger').get() as { s: number };
  return row.s;
}

/** Everything a ledger row needs except what the store derives. */
export type LedgerInput = Omit<LedgerEntry, 'committedAt'>;

/** Inserts a ledger row and its history index. Returns the entry as committed. */
export function writeLedger(ctx: StoreContext, input: LedgerInput, eventJson?: string): LedgerEntry {
  const committedAt = new Date().toISOString();
  ctx
    .stmt(
      `INSERT INTO ledger (seq, event_id, kind, type, source, time, committed_at, subject, traceparent, correlationid, causationid, changes, event)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      input.seq, input.eventId, input.kind, input.type, input.source, input.time, committedAt,
      input.subject ?? null, input.traceparent ?? null, input.correlationid ?? null, input.causationid ?? null,
      JSON.stringify(input.changes), eventJson ?? (input.event ? JSON.stringify(input.event) : null),
    );
  const ins = ctx.stmt('INSERT OR IGNORE INTO ledger_nodes (node_id, seq) VALUES (?, ?)');
  for (const id of touchedIds(input.changes)) ins.run(id, input.seq);
  return { ...input, committedAt };
}

const LEDGER_INSERT =
  'INSERT INTO ledger (seq, event_id, kind, type, source, time, committed_at, subject, traceparent, correlationid, causationid, changes, event) VALUES ';
const LEDGER_ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
/** Rows per multi-row INSERT, largest first: few statement shapes to prepare, few statements per batch. */
const CHUNKS = [64, 16, 4, 1] as const;

/**
 * The ledger rows of one applyBatch, written with a few multi-row INSERTs at the end instead of one statement per
 * row (statement overhead is a measurable share of the hot path). Nothing reads the ledger between `add` and
 * `flush` (the batch checks duplicates against its own map), and both run in the same transaction.
 */
export class LedgerWriter {
  readonly #ctx: StoreContext;
  /** One commit time for the whole batch: its rows become visible together. */
  readonly committedAt = new Date().toISOString();
  readonly #rows: unknown[][] = [];
  readonly #touched: unknown[][] = [];

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  /** Buffers a row (with `eventJson` as its event text) and its history index. */
  add(input: LedgerInput, eventJson: string | null): void {
    this.#rows.push([
      input.seq, input.eventId, input.kind, input.type, input.source, input.time, this.committedAt,
      input.subject ?? null, input.traceparent ?? null, input.correlationid ?? null, input.causationid ?? null,
      JSON.stringify(input.changes), eventJson,
    ]);
    for (const id of touchedIds(input.changes)) this.#touched.push([id, input.seq]);
  }

  /** Writes everything added. */
  flush(): void {
    insertRows(this.#ctx, LEDGER_INSERT, LEDGER_ROW, this.#rows);
    insertRows(this.#ctx, 'INSERT OR IGNORE INTO ledger_nodes (node_id, seq) VALUES ', '(?, ?)', this.#touched);
    this.#rows.length = 0;
    this.#touched.length = 0;
  }
}

function insertRows(ctx: StoreContext, head: string, row: string, rows: readonly unknown[][]): void {
  let i = 0;
  for (const n of CHUNKS) {
    if (rows.length - i < n) continue;
    const stmt = ctx.stmt(head + Array<string>(n).fill(row).join(', '));
    for (; rows.length - i >= n; i += n) stmt.run(rows.slice(i, i + n).flat());
  }
}

/** Writes a store-made row (mark or claim change) with the next seq. Call inside a write transaction. */
export function writeSystemRow(
  ctx: StoreContext,
  kind: 'mark' | 'claim',
  type: string,
  agent: string,
  nowMs: number,
  change: AppliedChange,
  idPart: string,
): LedgerEntry {
  const seq = nextSeq(ctx);
  return writeLedger(ctx, {
    seq,
    kind,
    eventId: systemEventId(kind, idPart, seq),
    type,
    source: agent,
    time: new Date(nowMs).toISOString(),
    changes: [change],
  });
}

/**
 * Entries as a scoped caller sees them, by core's rule (core/auth/ledger-view.ts): only those with a change whose
 * every node is visible, redacted; unchanged without a scope. The SQL already kept only such rows (so a LIMIT
 * counts shown entries); the rule is applied again here so the stores cannot drift.
 */
function shown(ctx: StoreContext, rows: readonly LedgerRow[], scope: ReadScope | undefined): LedgerEntry[] {
  if (!scope) return rows.map(rowToEntry);
  const visible = visibility(ctx, scope);
  return rows.map(rowToEntry).filter((e) => entryShown(e, visible)).map((e) => redactEntry(e, visible));
}

export function readLedger(ctx: StoreContext, afterSeq: number, limit: number, scope?: ReadScope): LedgerEntry[] {
  const vis = ledgerScopeFragment(scope);
  const rows = ctx
    .stmt(`SELECT ${LEDGER_COLUMNS} FROM ledger l WHERE l.seq > ?${vis ? ` AND ${vis.sql}` : ''} ORDER BY l.seq LIMIT ?`)
    .all(afterSeq, ...(vis?.params ?? []), limit) as LedgerRow[];
  return shown(ctx, rows, scope);
}

export function readHistory(ctx: StoreContext, id: string, afterSeq: number, first: number, scope?: ReadScope): LedgerEntry[] {
  // The history of a node the caller may not read is empty, as the node itself is absent.
  if (scope && !visibility(ctx, scope)(id)) return [];
  const vis = ledgerScopeFragment(scope);
  const rows = ctx
    .stmt(`SELECT ${LEDGER_COLUMNS} FROM ledger_nodes ln JOIN ledger l ON l.seq = ln.seq WHERE ln.node_id = ? AND ln.seq > ?${vis ? ` AND ${vis.sql}` : ''} ORDER BY ln.seq LIMIT ?`)
    .all(id, afterSeq, ...(vis?.params ?? []), first) as LedgerRow[];
  return shown(ctx, rows, scope);
}

export function findEvent(ctx: StoreContext, eventId: string, scope?: ReadScope, source?: string): LedgerEntry | undefined {
  const vis = ledgerScopeFragment(scope);
  const bySource = source === undefined ? '' : ' AND l.source = ?';
  const row = ctx.stmt(`SELECT ${LEDGER_COLUMNS} FROM ledger l WHERE l.event_id = ?${bySource}${vis ? ` AND ${vis.sql}` : ''} ORDER BY l.seq LIMIT 1`)
    .get(eventId, ...(source === undefined ? [] : [source]), ...(vis?.params ?? [])) as LedgerRow | undefined;
  return row && shown(ctx, [row], scope)[0];
}

/** The first event of a correlation (a scan: correlation lookups are rare, operator-driven). */
export function firstOfCorrelation(ctx: StoreContext, correlationId: string): LedgerEntry | undefined {
  const row = ctx.stmt(`SELECT ${LEDGER_COLUMNS} FROM ledger l WHERE l.correlationid = ? AND l.kind = 'event' ORDER BY l.seq LIMIT 1`).get(correlationId) as LedgerRow | undefined;
  return row && rowToEntry(row);
}

export function headSeq(ctx: StoreContext): number {
  return (ctx.stmt('SELECT coalesce(max(seq), 0) AS s FROM ledger').get() as { s: number }).s;
}
