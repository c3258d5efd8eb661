/**
 * Authentication and authorisation failures. Messages say what is wrong and how to fix it, and never echo a
 * token, a secret or a key: they reach logs and clients as they are.
 */
import { ErrorCode, TrailgraphError, type OntologyDiagnostic, formatDiagnostic } from '../errors.ts';

/** No credentials, or credentials that do not verify (HTTP 401). */
export class UnauthenticatedError extends TrailgraphError {
  /** A stable, secret-free reason: `missing`, `malformed`, `expired`, `not-yet-valid`, `invalid`. */
  readonly reason: string;
  constructor(reason: string, message: string, options?: { cause?: unknown }) {
    super(ErrorCode.Unauthenticated, message, { ...options, retryable: false });
    this.name = 'UnauthenticatedError';
    this.reason = reason;
  }
}

/** Authenticated, but the policy does not allow the action (HTTP 403). */
export class ForbiddenError extends TrailgraphError {
  /** The agent that asked (from its verified token). */
  readonly agent: string;
  /** What was refused, e.g. `publish LabResulted`, `claim purpose match`. */
  readonly action: string;
  constructor(agent: string, action: string, message: string) {
    super(ErrorCode.Forbidden, message, { retryable: false });
    this.name = 'ForbiddenError';
    this.agent = agent;
    this.action = action;
  }
}

/** The access policy (Turtle) did not compile. Carries every located error. */
export class PolicyError extends TrailgraphError {
  readonly diagnostics: readonly OntologyDiagnostic[];
  constructor(diagnostics: readonly OntologyDiagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(ErrorCode.PolicyError, `access policy has ${errors.length} error(s):\n${errors.map(formatDiagnostic).join('\n')}`);
    this.name = 'PolicyError';
    this.diagnostics = diagnostics;
  }
}
