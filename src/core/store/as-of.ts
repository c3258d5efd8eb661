/**
 * As-of reads: the graph as a reader saw it just after ledger entry `seq` committed. Every store keeps versioned
 * rows (valid from the seq that wrote them to the seq that replaced or removed them) written in the same
 * transaction as the graph, so a past state is read, never rebuilt. History starts at `historyFrom` (the seq
 * recorded when the store began keeping it, or when an ontology migration rewrote the graph); an older point
 * cannot be answered exactly and is refused.
 */
import { BadInputError } from '../errors.ts';

/** A point in the past: a ledger seq, or a commit time (the last entry committed at or before it). */
export type AsOf = { readonly seq: number; readonly time?: undefined } | { readonly time: string; readonly seq?: undefined };

/** Where a store's history stands, for resolving an AsOf. */
export interface HistoryBounds {
  /** The highest committed seq. */
  readonly head: number;
  /** The first seq history answers for exactly (0 = since the store was created). */
  readonly historyFrom: number;
}

/** Meta key under which a store records its historyFrom. */
export const HISTORY_FROM_META_KEY = 'history.from';

/** Checks an AsOf argument's shape; returns the seq or the parsed time (ms). `argument` names it in errors. */
export function parseAsOf(value: unknown, argument = 'asOf'): { seq: number } | { timeMs: number; time: string } {
  if (typeof value !== 'object' || value === null) throw new BadInputError(argument, 'must be { seq } or { time }');
  const v = value as { seq?: unknown; time?: unknown };
  const hasSeq = v.seq !== undefined && v.seq !== null;
  const hasTime = v.time !== undefined && v.time !== null;
  if (hasSeq === hasTime) throw new BadInputError(argument, 'takes exactly one of seq or time');
  if (hasSeq) {
    if (typeof v.seq !== 'number' || !Number.isSafeInteger(v.seq) || v.seq < 0) throw new BadInputError(`${argument}.seq`, `must be an integer ≥ 0, got ${JSON.stringify(v.seq)}`);
    return { seq: v.seq };
  }
  const time = String(v.time);
  const ms = Date.parse(time);
  if (typeof v.time !== 'string' || Number.isNaN(ms)) throw new BadInputError(`${argument}.time`, `must be an ISO 8601 date-time, got ${JSON.stringify(v.time)}`);
  return { timeMs: ms, time };
}

/**
 * The seq an as-of read answers at: `seq` itself, or for a time the last entry committed at or before it
 * (`seqAtTime`, from the ledger's commit times). Refuses a point after the head (the future is not known yet) or
 * before history starts.
 */
export async function resolveAsOf(value: unknown, bounds: HistoryBounds, seqAtTime: (isoTime: string) => Promise<number>, argument = 'asOf'): Promise<number> {
  const parsed = parseAsOf(value, argument);
  const seq = 'seq' in parsed ? parsed.seq : await seqAtTime(new Date(parsed.timeMs).toISOString());
  if (seq > bounds.head) throw new BadInputError(argument, `is at seq ${seq}, after the head of the ledger (${bounds.head})`);
  checkHistory(seq, bounds.historyFrom, argument);
  return seq;
}

/** Refuses a seq before the store's history starts (an as-of answer there would not be exact). */
export function checkHistory(seq: number, historyFrom: number, argument = 'asOf'): void {
  if (seq < historyFrom) {
    throw new BadInputError(
      argument,
      `is at seq ${seq}, before this store's history starts (seq ${historyFrom}: when it began keeping versions, or the last ontology migration)`,
    );
  }
}
