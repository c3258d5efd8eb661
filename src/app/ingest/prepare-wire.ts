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


/**
 * One result as it travels. A change set whose received text is the request's own payload leaves out both `event`
 * and `eventJson` (`ownText`): the main thread still holds that payload, so sending it back would only make the
 * worker escape it into the JSON and the main thread copy and unescape it again (about a third of the answer).
 */
type WireResult =
  | Exclude<WorkerPrepared, { readonly ok: true }>
  | { readonly ok: true; readonly changeSet: Omit<ChangeSet, 'event'> & Partial<Pick<ChangeSet, 'event'>>; readonly ownText?: true };

/** The results of `payloads` as JSON text, without the texts the main thread already has. */
export function encodePrepared(results: readonly WorkerPrepared[], payloads: readonly unknown[]): string {
  // Built as plain objects rather than with a JSON.stringify replacer: a replacer runs for every key of every change
  // set and cost more than the stringify itself.
  const wire = results.map((r, i): WireResult => {
    if (!('ok' in r) || !r.ok || typeof r.changeSet.eventJson !== 'string') return r;
    const { event: _event, eventJson, ...rest } = r.changeSet;
    return eventJson === payloads[i] ? { ok: true, changeSet: rest, ownText: true } : { ok: true, changeSet: { ...rest, eventJson } };
  });
  return JSON.stringify(wire);
}

/**
 * The results from `encodePrepared(results, payloads)`, given the same payloads: each change set gets its received
 * text back, and its `event` as a property parsed from that text on first access.
 */
export function decodePrepared(json: string, payloads: readonly unknown[]): WorkerPrepared[] {
  const wire = JSON.parse(json) as WireResult[];
  return wire.map((r, i): WorkerPrepared => {
    if (!('ok' in r) || !r.ok) return r;
    const changeSet = r.changeSet as ChangeSet;
    if (r.ownText) {
      const text = payloads[i];
      if (typeof text !== 'string') throw new Error(`prepare-wire: the worker's answer reuses the text of payload ${i}, but the request sent no text there; the worker and the pool must come from the same build`);
      (changeSet as { eventJson?: string }).eventJson = text;
    }
    if (!('event' in changeSet)) restoreEvent(changeSet);
    return { ok: true, changeSet };
  });
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
