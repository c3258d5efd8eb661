/**
 * Change marks: one per committed ledger entry (DESIGN.md "Marks"). What subscribers receive, what replicas fan
 * out to each other, and what a client resumes from (`seq`). Pure: no I/O.
 */
import type { LedgerEntry } from '../store/records.ts';
import { touchedIds } from '../store/ledger.ts';
import type { AppliedChange } from '../projection/change-set.ts';

/** One committed change to the shared environment: an applied event, a signal-mark change or a claim change. */
export interface ChangeMark {
  /** Store-assigned, gap-free, strictly increasing: the resume point. */
  readonly seq: number;
  readonly eventId: string;
  /** The event type, or `tg:MarkLeft`, `tg:ClaimGranted`, … */
  readonly type: string;
  readonly kind: 'event' | 'mark' | 'claim';
  /** The agent that caused it. */
  readonly source: string;
  /** The event's time (ISO 8601). */
  readonly time: string;
  /** When the store committed it (ISO 8601). */
  readonly committedAt: string;
  readonly subject?: string;
  readonly traceparent?: string;
  readonly correlationid?: string;
  readonly causationid?: string;
  /** What changed; relationship changes carry both endpoints. */
  readonly changes: readonly AppliedChange[];
}

/** The change mark of a ledger entry (drops the raw event: marks stay small on the wire). */
export function toChangeMark(entry: LedgerEntry): ChangeMark {
  const mark: {
    -readonly [K in keyof ChangeMark]: ChangeMark[K];
  } = {
    seq: entry.seq,
    eventId: entry.eventId,
    type: entry.type,
    kind: entry.kind,
    source: entry.source,
    time: entry.time,
    committedAt: entry.committedAt,
    changes: entry.changes,
  };
  if (entry.subject !== undefined) mark.subject = entry.subject;
  if (entry.traceparent !== undefined) mark.traceparent = entry.traceparent;
  if (entry.correlationid !== undefined) mark.correlationid = entry.correlationid;
  if (entry.causationid !== undefined) mark.causationid = entry.causationid;
  return mark;
}

/** Ids of every node a mark touched (both endpoints of relationships), in first-seen order, without repeats. */
export function touchedNodeIds(mark: ChangeMark): string[] {
  return touchedIds(mark.changes);
}

/** Parses a change mark received from another replica; undefined when it is not one (never trust the wire). */
export function parseChangeMark(value: unknown): ChangeMark | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const ok =
    Number.isSafeInteger(v['seq']) &&
    typeof v['eventId'] === 'string' &&
    typeof v['type'] === 'string' &&
    (v['kind'] === 'event' || v['kind'] === 'mark' || v['kind'] === 'claim') &&
    typeof v['source'] === 'string' &&
    typeof v['time'] === 'string' &&
    typeof v['committedAt'] === 'string' &&
    Array.isArray(v['changes']);
  return ok ? (v as unknown as ChangeMark) : undefined;
}
