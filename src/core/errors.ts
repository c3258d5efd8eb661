/**
 * Named errors with read-only context fields and a retryable flag (STYLE.md habit 3).
 * The ingest loop maps them to ack / nak(delay) / term + dead letter; only the API edge turns them into GraphQLError.
 */

/** Stable machine-readable codes, one per error class family. */
export const ErrorCode = {
  InvalidEvent: 'INVALID_EVENT',
  OntologyError: 'ONTOLOGY_ERROR',
  ProjectionConflict: 'PROJECTION_CONFLICT',
  StoreUnavailable: 'STORE_UNAVAILABLE',
  ConsistencyTimeout: 'CONSISTENCY_TIMEOUT',
  ClaimRefused: 'CLAIM_REFUSED',
  NotFound: 'NOT_FOUND',
  ConfigError: 'CONFIG_ERROR',
  SlowSubscriber: 'SLOW_SUBSCRIBER',
  MigrationError: 'MIGRATION_ERROR',
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  PolicyError: 'POLICY_ERROR',
  BadInput: 'BAD_USER_INPUT',
  IdempotencyConflict: 'IDEMPOTENCY_CONFLICT',
  CausalLoop: 'CAUSAL_LOOP',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base of every trailgraph error. `retryable` tells the ingest loop whether a redelivery can succeed. */
export class TrailgraphError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TrailgraphError';
    this.code = code;
    this.retryable = options?.retryable ?? false;
  }
}

/** One located problem in an event: where (JSON pointer) and what was expected. */
export interface EventIssue {
  /** RFC 6901 JSON pointer into the CloudEvent, e.g. `/data/priority`. */
  readonly pointer: string;
  readonly message: string;
}

/** An event that can never be applied as it is: not retryable, goes to dead letters. */
export class InvalidEventError extends TrailgraphError {
  readonly eventId: string | undefined;
  readonly issues: readonly EventIssue[];
  constructor(eventId: string | undefined, issues: readonly EventIssue[], options?: { cause?: unknown }) {
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(
      ErrorCode.InvalidEvent,
      `event ${eventId ?? '<no id>'}: ${first ? `${first.pointer || '/'}: ${first.message}` : 'invalid'}${more}`,
      { ...options, retryable: false },
    );
    this.name = 'InvalidEventError';
    this.eventId = eventId;
    this.issues = issues;
  }
  /** The first issue's pointer: the place to look. */
  get pointer(): string {
    return this.issues[0]?.pointer ?? '';
  }
}

/** A location in a Turtle file. Lines are 1-based. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}

/** One diagnostic produced while compiling an ontology. */
export interface OntologyDiagnostic {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** The term concerned (full IRI or prefixed name), when there is one. */
  readonly term?: string;
  readonly location?: SourceLocation;
}

/** Formats a diagnostic as `file:line: severity: message (term)`. */
export function formatDiagnostic(d: OntologyDiagnostic): string {
  const where = d.location ? `${d.location.file}:${d.location.line}: ` : '';
  const term = d.term ? ` [${d.term}]` : '';
  return `${where}${d.severity}: ${d.message}${term}`;
}

/** The ontology did not compile. Carries every located error. */
export class OntologyError extends TrailgraphError {
  readonly diagnostics: readonly OntologyDiagnostic[];
  constructor(diagnostics: readonly OntologyDiagnostic[], options?: { cause?: unknown }) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(
      ErrorCode.OntologyError,
      `ontology has ${errors.length} error(s):\n${errors.map(formatDiagnostic).join('\n')}`,
      options,
    );
    this.name = 'OntologyError';
    this.diagnostics = diagnostics;
  }
}

/** The event is valid but contradicts the graph (e.g. an id already used by an unrelated class). Not retryable. */
export class ProjectionConflictError extends TrailgraphError {
  readonly eventId: string;
  readonly pointer: string;
  constructor(eventId: string, pointer: string, message: string, options?: { cause?: unknown }) {
    super(ErrorCode.ProjectionConflict, `event ${eventId}: ${pointer || '/'}: ${message}`, { ...options, retryable: false });
    this.name = 'ProjectionConflictError';
    this.eventId = eventId;
    this.pointer = pointer;
  }
}

/**
 * A fenced event (claimpurpose + claimtoken) whose token is no longer the claim's latest: another agent was granted
 * the claim since, so this writer's work is refused (dead-lettered as a conflict, like any projection conflict).
 */
export class StaleClaimError extends ProjectionConflictError {
  constructor(eventId: string, message: string) {
    super(eventId, '/claimtoken', message);
    this.name = 'StaleClaimError';
  }
}

/**
 * The loop breaker stopped the event: its causal chain is too deep, or it repeats one (type, aggregate) too often
 * along the chain within its correlation. Not retryable: the agents that keep triggering each other must change.
 */
export class CausalLoopError extends TrailgraphError {
  readonly eventId: string;
  /** Where to look in the event. */
  readonly pointer = '/causationid';
  /** Event ids of the chain, root first, this event last. */
  readonly chain: readonly string[];
  constructor(eventId: string, message: string, chain: readonly string[]) {
    super(ErrorCode.CausalLoop, message, { retryable: false });
    this.name = 'CausalLoopError';
    this.eventId = eventId;
    this.chain = chain;
  }
}

/** The store could not be reached or failed transiently. Retryable: nak with delay. */
export class StoreUnavailableError extends TrailgraphError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.StoreUnavailable, message, { ...options, retryable: true });
    this.name = 'StoreUnavailableError';
  }
}

/** A read-your-writes wait did not see `seq` in time. */
export class ConsistencyTimeoutError extends TrailgraphError {
  readonly wantedSeq: number;
  readonly headSeq: number;
  constructor(wantedSeq: number, headSeq: number, waitedMs: number) {
    super(
      ErrorCode.ConsistencyTimeout,
      `the graph reached seq ${headSeq}, not ${wantedSeq}, within ${waitedMs} ms; retry later or raise the wait`,
      { retryable: true },
    );
    this.name = 'ConsistencyTimeoutError';
    this.wantedSeq = wantedSeq;
    this.headSeq = headSeq;
  }
}

/** Invalid configuration at start: says which setting and what to do. */
export class ConfigError extends TrailgraphError {
  readonly setting: string;
  constructor(setting: string, message: string, options?: { cause?: unknown }) {
    super(ErrorCode.ConfigError, `${setting}: ${message}`, options);
    this.name = 'ConfigError';
    this.setting = setting;
  }
}

/** Something asked for does not exist. */
export class NotFoundError extends TrailgraphError {
  constructor(message: string) {
    super(ErrorCode.NotFound, message);
    this.name = 'NotFoundError';
  }
}

/**
 * A mark subscriber fell further behind than its bounded queue allows and was cut off. Resume with
 * `after: resumeAfterSeq`: every mark after it is replayed from the ledger, none is lost.
 */
export class SlowSubscriberError extends TrailgraphError {
  /** The last seq delivered to the subscriber: pass it as `after` to resume without gap or duplicate. */
  readonly resumeAfterSeq: number;
  constructor(resumeAfterSeq: number, queueLimit: number) {
    super(
      ErrorCode.SlowSubscriber,
      `subscriber fell more than ${queueLimit} marks behind and was cut off; resume with after: ${resumeAfterSeq}`,
      { retryable: true },
    );
    this.name = 'SlowSubscriberError';
    this.resumeAfterSeq = resumeAfterSeq;
  }
}

/** A caller's argument is out of range or malformed: names the argument, never retryable as it is. */
export class BadInputError extends TrailgraphError {
  /** The argument (or JSON pointer) at fault, e.g. `ttlMs`. */
  readonly argument: string;
  constructor(argument: string, message: string, options?: { cause?: unknown }) {
    super(ErrorCode.BadInput, `${argument} ${message}`, { ...options, retryable: false });
    this.name = 'BadInputError';
    this.argument = argument;
  }
}

/**
 * An event reused the idempotency key (source, id) of another event with different content: nothing is applied,
 * it is dead-lettered with this reason and the caller gets the original's seq (HTTP 409). Not retryable.
 */
export class IdempotencyConflictError extends TrailgraphError {
  readonly eventId: string;
  readonly source: string;
  /** The seq of the event that holds the key. */
  readonly originalSeq: number;
  readonly pointer = '/id';
  constructor(eventId: string, source: string, originalSeq: number) {
    super(
      ErrorCode.IdempotencyConflict,
      `event ${eventId}: /id: source ${source} already used id ${eventId} for an event with other content (seq ${originalSeq}); a retry must repeat the event exactly, a new event needs a new id`,
      { retryable: false },
    );
    this.name = 'IdempotencyConflictError';
    this.eventId = eventId;
    this.source = source;
    this.originalSeq = originalSeq;
  }
}
