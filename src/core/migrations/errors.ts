/** The error of the migration machinery: a bad migration file, an inconsistent version chain, a failed step. */
import { ErrorCode, TrailgraphError } from '../errors.ts';

/** A migration cannot be planned or run as asked. Not retryable: the message says what to fix. */
export class MigrationError extends TrailgraphError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.MigrationError, message, options);
    this.name = 'MigrationError';
  }
}
