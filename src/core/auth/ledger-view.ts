/**
 * A ledger entry as a scoped caller sees it. Pure: every store adapter decides node visibility in its own query
 * language and hands the answer in as `visible`; what an entry then shows is the same rule on every store.
 */
import type { LedgerEntry } from '../store/records.ts';

/** The ids of the nodes an applied change names: one, or a relationship's two ends. */
export function changeIds(c: LedgerEntry['changes'][number]): string[] {
  if (c.kind === 'node') return [c.id];
  if (c.kind === 'relationship') return [c.from.id, c.to.id];
  return [c.on.id];
}

/**
 * Each change's nodes as two parallel lists, so a store can test "a change whose every node is visible" in its
 * query language without parsing the stored changes: change i names `first[i]` and `second[i]` (the same id twice
 * when it names one node).
 */
export function changeNodeColumns(changes: LedgerEntry['changes']): { first: string[]; second: string[] } {
  const first: string[] = [];
  const second: string[] = [];
  for (const c of changes) {
    const ids = changeIds(c);
    first.push(ids[0] as string);
    second.push(ids[1] ?? (ids[0] as string));
  }
  return { first, second };
}

/** The id part of a CloudEvents subject `Class/id`. */
function subjectId(subject: string): string {
  const cut = subject.indexOf('/');
  return cut === -1 ? subject : subject.slice(cut + 1);
}

/** True when the entry has at least one change whose every node is visible (else a scoped caller never sees it). */
export function entryShown(entry: LedgerEntry, visible: (id: string) => boolean): boolean {
  return entry.changes.some((c) => changeIds(c).every(visible));
}

/**
 * The entry without the raw event (it may describe other nodes), with only the changes whose nodes are all
 * visible, and without a subject naming a node the caller may not read.
 */
export function redactEntry(entry: LedgerEntry, visible: (id: string) => boolean): LedgerEntry {
  const { event: _event, subject, ...rest } = entry;
  return {
    ...rest,
    ...(subject !== undefined && visible(subjectId(subject)) && { subject }),
    changes: entry.changes.filter((c) => changeIds(c).every(visible)),
  };
}
