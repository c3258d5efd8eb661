/**
 * Dead letters: events that can never be applied as they are (invalid, conflicting) or that exhausted their
 * deliveries. Nothing is lost: each keeps the raw payload, the reason and where it came from, and can be
 * replayed after the cause is fixed. Adapters: sqlite/ (embedded), nats/ (a dead-letter stream).
 */
import type { EventIssue } from '../core/errors.ts';

export interface DeadLetter {
  /** Store-assigned id (for NATS: the dead-letter stream sequence as a string). */
  readonly id: string;
  /** The event id, when the payload had one. */
  readonly eventId?: string;
  /**
   * `invalid` (validation), `conflict` (contradicts the graph), `poison` (deliveries exhausted), `forbidden`
   * (the publisher's token does not allow it: another agent's source, or an event type outside its role),
   * `causal-loop` (stopped by the loop breaker; the message names the chain).
   */
  readonly reason: 'invalid' | 'conflict' | 'poison' | 'forbidden' | 'causal-loop';
  /** Human-readable reason, e.g. `event e-1: /data/priority: expected one of routine, urgent`. */
  readonly message: string;
  readonly issues: readonly EventIssue[];
  /** Original bus subject, when it came over a bus. */
  readonly subject?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The payload exactly as received (UTF-8). */
  readonly payload: string;
  readonly deliveries?: number;
  readonly receivedAt: string;
}

export type NewDeadLetter = Omit<DeadLetter, 'id' | 'receivedAt'> & { readonly receivedAt?: string };

/** The contract every adapter passes: test/contract/dead-letters.contract.ts. */
export interface DeadLetterStore {
  /**
   * Files a letter. Filing the same (reason, payload) again — a projector retrying after a crash — answers with
   * the letter already filed instead of a second copy (SQLite: while that letter is kept; NATS: within the
   * stream's duplicate window). A replayed (removed) letter that fails again is filed anew.
   */
  put(letter: NewDeadLetter): Promise<DeadLetter>;
  list(options?: { limit?: number; afterId?: string }): Promise<readonly DeadLetter[]>;
  get(id: string): Promise<DeadLetter | undefined>;
  /** Removes a letter (after a successful replay). */
  remove(id: string): Promise<void>;
  count(): Promise<number>;
}
