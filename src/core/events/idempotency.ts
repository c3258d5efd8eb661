/**
 * The idempotency rule (CloudEvents: `source` + `id` identify an event). An event whose key is already in the
 * ledger is a duplicate when it says the same thing — a retry — and a conflict when it says something else: a
 * producer reused an id, and its event must be reported and dead-lettered, never dropped as a "duplicate". Pure.
 */
import { UPCAST_ORIGINAL } from '../migrations/upcaster.ts';

/** The idempotency key of an event, as one string (NUL cannot occur in a well-formed source or id). */
export function idempotencyKey(source: string, id: string): string {
  return `${source}\u0000${id}`;
}

/** JSON with object keys sorted, so two equal values give the same text whatever their key order. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/**
 * What an event says: type, subject, dataschema and data — of the event as the producer sent it (before any
 * upcast, so a retry after an ontology migration is still a retry). Transport attributes (time, traceparent,
 * datacontenttype) may legitimately differ between a first try and its retry and are not compared.
 */
export function eventContent(event: Readonly<Record<string, unknown>>): string {
  const sent = publishedEvent(event);
  return canonical({ type: sent.type, subject: sent.subject, dataschema: sent.dataschema, data: sent.data });
}

/**
 * The event as its producer published it: the original an upcast kept, else the event itself (also when the
 * original is unreadable: then what we have is the best account of it).
 */
export function publishedEvent(event: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const original = event[UPCAST_ORIGINAL];
  if (typeof original !== 'string') return event;
  try {
    return JSON.parse(original) as Record<string, unknown>;
  } catch {
    return event;
  }
}

/** Duplicate (same content) or conflict (other content) for two events with the same idempotency key. */
export function redelivery(stored: Readonly<Record<string, unknown>> | undefined, incoming: Readonly<Record<string, unknown>>): 'duplicate' | 'conflict' {
  // A ledger row without its event (older stores kept none for some rows) cannot be compared: a retry it is.
  if (stored === undefined) return 'duplicate';
  return eventContent(stored) === eventContent(incoming) ? 'duplicate' : 'conflict';
}
