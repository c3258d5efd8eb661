/**
 * The NATS subject scheme: `tg.events.<domain>.<type>.<aggregateId>`, and with auth on
 * `tg.events.<domain>.<type>.<aggregateId>.<agent>` — the publishing agent last, so the generated nats-server
 * permissions can allow each agent only `tg.events.<domain>.<its types>.*.<itself>` (docs/security.md), and the
 * projector can check the event's `source` against it. Aggregate-based partition mappings keep token 5.
 *
 * - `<domain>`: the ontology domain (e.g. `referral`), so permissions can be granted per domain.
 * - `<type>`: the CloudEvent type, so permissions can be granted per event type.
 * - `<aggregateId>`: the id part of the CloudEvent `subject` (`Referral/r-1001` → `r-1001`), or `_` when the
 *   event has no subject. It is the ordering and partition key: a partitioned deployment maps aggregate ids to
 *   partitions with NATS subject-mapping (`partition(N, 5)`), one projector per partition.
 *
 * Tokens are escaped reversibly with percent-encoding of exactly the characters NATS gives meaning to or forbids:
 * `%` → `%25`, `.` → `%2E`, `*` → `%2A`, `>` → `%3E`, and every whitespace/control character → `%XX`.
 * Empty tokens are illegal in NATS, so an empty value (or a missing aggregate) becomes `_`.
 */

const NEEDS_ESCAPE = /[%.*>\s\p{Cc}]/gu;

/** Escapes one subject token (see the module comment). */
export function escapeToken(value: string): string {
  if (value === '') return '_';
  return value.replace(NEEDS_ESCAPE, (c) => {
    const code = c.codePointAt(0) ?? 0;
    // ASCII as %XX; other (Unicode whitespace) as UTF-8 bytes, so decodeURIComponent reverses both.
    return code < 0x80 ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : encodeURIComponent(c);
  });
}

/** Reverses escapeToken. */
export function unescapeToken(token: string): string {
  try {
    return decodeURIComponent(token);
  } catch {
    return token; // published by a client that does not escape: take the token as it is
  }
}

/** The subject root every event lives under. */
export const EVENTS_PREFIX = 'tg.events';
/** The dead-letter subject root: `tg.dlq.<reason>`. */
export const DLQ_PREFIX = 'tg.dlq';

/** The aggregate id of a CloudEvent `subject` (`Class/id` → `id`). */
export function aggregateIdOf(subject: string | undefined): string | undefined {
  if (!subject) return undefined;
  const slash = subject.indexOf('/');
  return slash === -1 ? subject : subject.slice(slash + 1);
}

/** The subject an event is published on (with the agent token when `agent` is given). */
export function eventSubject(domain: string, type: string, cloudSubject: string | undefined, agent?: string): string {
  const aggregate = aggregateIdOf(cloudSubject);
  const tokens = [EVENTS_PREFIX, escapeToken(domain), escapeToken(type), aggregate === undefined ? '_' : escapeToken(aggregate)];
  if (agent !== undefined) tokens.push(escapeToken(agent));
  return tokens.join('.');
}

/** Parses an event subject (with or without the agent token) back into its parts; undefined for other subjects. */
export function parseEventSubject(subject: string): { domain: string; type: string; aggregateId?: string; agent?: string } | undefined {
  const parts = subject.split('.');
  if ((parts.length !== 5 && parts.length !== 6) || `${parts[0]}.${parts[1]}` !== EVENTS_PREFIX) return undefined;
  const [, , domain, type, aggregate, agent] = parts as [string, string, string, string, string, string | undefined];
  return {
    domain: unescapeToken(domain),
    type: unescapeToken(type),
    ...(aggregate === '_' ? {} : { aggregateId: unescapeToken(aggregate) }),
    ...(agent !== undefined && { agent: unescapeToken(agent) }),
  };
}

/**
 * The projector's check of a subject against the event's `source` (IngestorOptions.checkSubject): an agent token
 * must name the source; with `requireAgent` (auth on) a subject without one is refused too.
 */
export function subjectAgentProblem(subject: string, source: string, requireAgent: boolean): string | undefined {
  const parsed = parseEventSubject(subject);
  if (!parsed) return requireAgent ? `subject ${subject} is not an event subject with an agent (tg.events.<domain>.<type>.<aggregate>.<agent>)` : undefined;
  if (parsed.agent === undefined) {
    return requireAgent ? `the subject carries no agent; with auth on, publish on ${subject}.${escapeToken(source)} with the credentials of ${source}` : undefined;
  }
  return parsed.agent === source ? undefined : `source does not match the subject's agent: the event says ${source}, the subject ${parsed.agent}`;
}

/**
 * The projector's check of a subject against the event itself: the subject is the ordering/partition key and the
 * unit of NATS permissions, so an event whose domain, type or aggregate differs from its subject (or a subject
 * outside the scheme) is refused — "subject does not match the event" — with the pointer of the attribute at odds.
 */
export function subjectEventProblem(subject: string, domain: string, event: { readonly type: string; readonly subject?: string }): { pointer: string; message: string } | undefined {
  const parsed = parseEventSubject(subject);
  const say = (pointer: string, detail: string) => ({ pointer, message: `subject does not match the event: ${detail}` });
  if (!parsed) return say('', `${subject} is not an event subject (${EVENTS_PREFIX}.<domain>.<type>.<aggregate>)`);
  if (parsed.domain !== domain) return say('', `the subject's domain is ${parsed.domain}, this service projects ${domain}`);
  if (parsed.type !== event.type) return say('/type', `the event's type is ${event.type}, the subject's ${parsed.type}`);
  const aggregate = aggregateIdOf(event.subject);
  if (aggregate !== parsed.aggregateId) return say('/subject', `the event's aggregate is ${aggregate ?? '(none)'}, the subject's ${parsed.aggregateId ?? '(none)'}`);
  return undefined;
}

/** `nats://user@host:4222` → `host:4222` (AsyncAPI servers carry host and protocol apart). */
export function natsHost(url: string): string {
  try {
    const u = new URL(url.split(',')[0] ?? url);
    return `${u.hostname}:${u.port || '4222'}`;
  } catch {
    return url;
  }
}
