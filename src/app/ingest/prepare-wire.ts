/**
 * How prepared results cross from the prepare worker to the main thread. The main thread is the projector's
 * bottleneck (it applies to the store), so what it pays to receive matters: structured clone of a batch of change
 * sets costs it ~10 µs per event to deserialize, JSON text ~5 µs (one string to clone, one `JSON.parse`), and the
 * parsed CloudEvent need not cross at all when the change set carries its received text (`eventJson`): it is
 * parsed from that text on first access, which the SQLite store never needs (its ledger keeps the text).
 * The messages of the worker protocol are declared here too, so the worker and its pool share them.
 */
import type { EventIssue } from '../../core/errors.ts';
import type { ChangeSet } from '../../core/projection/change-set.ts';

/** A request to the worker. */
export interface PrepareRequest {
  readonly id: number;
  readonly payloads: readonly unknown[];
  readonly receivedAt: string;
}

/** One event's outcome. */
export type WorkerPrepared =
  | { readonly ok: true; readonly changeSet: ChangeSet }
  | { readonly ok: false; readonly eventId: string | undefined; readonly issues: readonly EventIssue[]; readonly message: string }
  | { readonly retry: true };

/** The worker's answer: results in input order, or a setup failure. */
export interface PrepareResponse {
  readonly id: number;
  readonly version?: string;
  readonly results?: readonly WorkerPrepared[];
  /** `results` encoded by prepare-wire.ts (what the worker sends; the pool decodes it into `results`). */
  readonly json?: string;
  readonly error?: string;
}


/** The results as JSON text, leaving out each `event` that its `eventJson` restores. */
export function encodePrepared(results: readonly WorkerPrepared[]): string {
  return JSON.stringify(results, (key, value: unknown) => (key === 'changeSet' && isWithText(value) ? withoutEvent(value) : value));
}

/** The results from `encodePrepared`, each change set's `event` back as a lazily parsed property. */
export function decodePrepared(json: string): WorkerPrepared[] {
  const results = JSON.parse(json) as WorkerPrepared[];
  for (const r of results) if ('ok' in r && r.ok && !('event' in r.changeSet)) restoreEvent(r.changeSet);
  return results;
}

function isWithText(v: unknown): v is ChangeSet & { eventJson: string } {
  return typeof v === 'object' && v !== null && typeof (v as ChangeSet).eventJson === 'string';
}

function withoutEvent(cs: ChangeSet): Omit<ChangeSet, 'event'> {
  const { event: _event, ...rest } = cs;
  return rest;
}

function restoreEvent(cs: ChangeSet): void {
  const text = cs.eventJson;
  if (text === undefined) return;
  Object.defineProperty(cs, 'event', {
    enumerable: true,
    configurable: true,
    get(this: ChangeSet) {
      const event = JSON.parse(text) as ChangeSet['event'];
      Object.defineProperty(this, 'event', { value: event, enumerable: true, writable: false, configurable: false });
      return event;
    },
  });
}
