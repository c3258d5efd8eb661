/**
 * CloudEvents 1.0, structured JSON mode: the envelope every agent publishes.
 * See DESIGN.md "Events". Validation lives in `envelope.ts`.
 */

/** A CloudEvent as received (after envelope validation, frozen). Extension attributes keep their JSON type: string, number or boolean. */
export interface CloudEvent<D = unknown> {
  readonly specversion: '1.0';
  /** Idempotency key: the same id is applied once. */
  readonly id: string;
  /** The agent, e.g. `agent://intake`. */
  readonly source: string;
  /** An event type declared in the ontology, e.g. `ReferralRequested`. */
  readonly type: string;
  readonly data: D;
  readonly time?: string;
  /** The aggregate, e.g. `Referral/r-1001`. */
  readonly subject?: string;
  /** The ontology version IRI the producer wrote against. */
  readonly dataschema?: string;
  readonly datacontenttype?: string;
  readonly traceparent?: string;
  readonly tracestate?: string;
  readonly correlationid?: string;
  readonly causationid?: string;
  /** Other extension attributes (lower-case alphanumeric names). */
  readonly [extension: string]: unknown;
}

/** JSON value types accepted in payloads. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
