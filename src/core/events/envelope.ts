/**
 * CloudEvents 1.0 structured-mode JSON envelope validation. The first gate every event passes: bounded,
 * pollution-proof parsing (safe-json.ts), then the context attributes. The payload (`data`) is checked against
 * the ontology afterwards (payload.ts) — this file knows nothing about the ontology.
 */
import { findIllFormedString } from '../text/well-formed.ts';
import { InvalidEventError, type EventIssue } from '../errors.ts';
import type { CloudEvent } from './cloud-event.ts';
import { describeValue, escapePointerToken } from './json-pointer.ts';
import { copyJsonTree, DEFAULT_ENVELOPE_LIMITS, freezeParsedJson, parseJsonText, utf8Length, type EnvelopeLimits } from './safe-json.ts';
import { splitSubject } from './resources.ts';
import { isAbsoluteUri, isRfc3339, isTraceparent, isUriReference } from './uri.ts';

export { DEFAULT_ENVELOPE_LIMITS, type EnvelopeLimits } from './safe-json.ts';

/** CloudEvents extension attribute names: lower-case ASCII letters and digits, at most 20 (spec §3.1.1). */
export const EXTENSION_NAME = /^[a-z0-9]{1,20}$/;

/** `application/json`, `text/json`, `application/*+json`, with optional parameters. */
const JSON_MEDIA_TYPE = /^(application\/json|text\/json|application\/[a-z0-9.!#$&^_+-]+\+json)\s*(;.*)?$/i;

type Check = (value: string) => string | undefined;
const nonEmpty: Check = (v) => (v.length === 0 ? 'expected a non-empty string' : undefined);

/** Checks per known string attribute; the message says what was expected. */
const STRING_ATTRIBUTES: Readonly<Record<string, Check>> = {
  id: nonEmpty,
  type: (v) => (v.length === 0 ? 'expected a non-empty event type name' : undefined),
  source: (v) => (v.length > 0 && isUriReference(v) ? undefined : `expected a URI-reference such as "agent://intake", got ${describeValue(v)}`),
  time: (v) => (isRfc3339(v) ? undefined : `expected an RFC 3339 timestamp such as "2026-11-21T09:00:00Z", got ${describeValue(v)}`),
  subject: nonEmpty,
  dataschema: (v) => (isAbsoluteUri(v) ? undefined : `expected an absolute URI (the ontology version IRI), got ${describeValue(v)}`),
  datacontenttype: (v) =>
    JSON_MEDIA_TYPE.test(v) ? undefined : `expected a JSON media type such as "application/json", got ${describeValue(v)}`,
  traceparent: (v) =>
    isTraceparent(v) ? undefined : `expected a W3C traceparent such as "00-<32 hex trace id>-<16 hex parent id>-01", got ${describeValue(v)}`,
  tracestate: (v) => (v.length <= 512 ? undefined : 'expected a W3C tracestate of at most 512 characters'),
  correlationid: nonEmpty,
  causationid: nonEmpty,
  claimpurpose: nonEmpty,
};
const REQUIRED = ['id', 'source', 'type'] as const;

/**
 * Parses and validates a CloudEvents 1.0 structured-mode event (JSON text, or an already parsed value).
 * Returns a frozen copy; throws InvalidEventError listing every problem with its JSON pointer.
 */
export function parseEnvelope(input: string | unknown, limits?: Partial<EnvelopeLimits>): CloudEvent {
  const lim: EnvelopeLimits = limits ? { ...DEFAULT_ENVELOPE_LIMITS, ...limits } : DEFAULT_ENVELOPE_LIMITS;
  const issues: EventIssue[] = [];
  const parsed = typeof input === 'string' ? parseJsonText(input, lim, issues) : input;
  if (issues.length > 0) throw new InvalidEventError(undefined, issues);

  const id = idOf(parsed);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const hint = Array.isArray(parsed) ? ' (several events are a batch: Content-Type application/cloudevents-batch+json over HTTP)' : '';
    throw new InvalidEventError(undefined, [{ pointer: '', message: `expected a JSON object (a CloudEvent), got ${describeValue(parsed)}${hint}` }]);
  }
  // Text we parsed here is ours alone: check and freeze it in place; a caller's value is copied.
  const event = (typeof input === 'string' ? freezeParsedJson(parsed, lim, issues) : copyJsonTree(parsed, lim, issues)) as Record<string, unknown> | undefined;
  if (!event) throw new InvalidEventError(id, issues);
  if (typeof input !== 'string') {
    const bytes = utf8Length(JSON.stringify(event));
    if (bytes > lim.maxBytes) {
      throw new InvalidEventError(id, [{ pointer: '', message: `event too large: expected at most ${lim.maxBytes} bytes, got ${bytes}` }]);
    }
  }

  checkAttributes(event, lim, issues);
  // A lone UTF-16 surrogate cannot be stored as UTF-8 (it would come back as U+FFFD, merging distinct ids). JSON
  // text has one only through a \uD8xx-\uDFxx escape, so the walk runs only when the text holds such an escape.
  if (typeof input !== 'string' || MAY_HOLD_SURROGATE.test(input)) {
    const pointer = findIllFormedString(event);
    if (pointer !== undefined) issues.push({ pointer, message: 'not well-formed Unicode: the string holds a lone UTF-16 surrogate (an unpaired \\uD800-\\uDFFF escape)' });
  }
  if (issues.length > 0) throw new InvalidEventError(id, issues.slice(0, lim.maxIssues));
  return event as unknown as CloudEvent;
}

const MAY_HOLD_SURROGATE = /\\u[dD][89a-fA-F]/;

function checkAttributes(event: Record<string, unknown>, lim: EnvelopeLimits, issues: EventIssue[]): void {
  const add = (pointer: string, message: string): void => void issues.push({ pointer, message });

  if (!('specversion' in event)) add('/specversion', 'missing required attribute: expected "1.0"');
  else if (event.specversion !== '1.0') add('/specversion', `expected "1.0", got ${describeValue(event.specversion)}`);
  for (const name of REQUIRED) if (!(name in event)) add(`/${name}`, `missing required attribute ${name}: expected a non-empty string`);
  if (typeof event.id === 'string' && event.id.length > lim.maxIdLength) {
    add('/id', `expected at most ${lim.maxIdLength} characters, got ${event.id.length}`);
  }

  if ('data_base64' in event) {
    add('/data_base64', 'binary data is not supported: send the payload as JSON in "data" (datacontenttype application/json)');
  } else if (!('data' in event)) {
    add('/data', 'missing required attribute data: expected the event payload as a JSON object');
  }

  for (const [name, value] of Object.entries(event)) {
    if (name === 'data' || name === 'data_base64' || name === 'specversion') continue;
    const check = STRING_ATTRIBUTES[name];
    if (check) {
      if (typeof value !== 'string') add(`/${name}`, `expected a string, got ${describeValue(value)}`);
      else {
        const problem = check(value);
        if (problem) add(`/${name}`, problem);
      }
    } else if (!EXTENSION_NAME.test(name)) {
      add(`/${escapePointerToken(name)}`, 'invalid extension attribute name: expected 1-20 lower-case letters or digits (CloudEvents 1.0)');
    } else if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      add(`/${name}`, `extension attribute ${name}: expected a string, number or boolean, got ${describeValue(value)}`);
    }
  }
  checkFence(event, add);
}

/**
 * A fenced write (core/claims/rules.ts) names its claim by purpose and token, on the node its subject names; one
 * attribute without the other, or a fence with no node to guard, would be silently unfenced.
 */
function checkFence(event: Record<string, unknown>, add: (pointer: string, message: string) => void): void {
  const token = event.claimtoken;
  if (token === undefined) {
    if (event.claimpurpose !== undefined) add('/claimtoken', 'missing: claimpurpose is set, so give the fencing token of that claim in claimtoken');
    return;
  }
  if (typeof token !== 'number' || !Number.isSafeInteger(token) || token < 1) add('/claimtoken', `expected the claim's fencing token (a positive integer), got ${describeValue(token)}`);
  if (event.claimpurpose === undefined) add('/claimpurpose', 'missing: claimtoken is set, so name the purpose of the claim it was granted for');
  if (typeof event.subject !== 'string' || splitSubject(event.subject) === undefined) {
    add('/subject', 'a fenced event (claimtoken) needs a subject naming the claimed node, e.g. "Referral/r-1001"');
  }
}

/** The event id when there is a usable one, so that even a rejection names its event. */
function idOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const id = (value as Record<string, unknown>).id;
  return typeof id === 'string' && id.length > 0 ? id.slice(0, DEFAULT_ENVELOPE_LIMITS.maxIdLength) : undefined;
}
