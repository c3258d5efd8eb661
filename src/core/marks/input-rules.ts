/**
 * What a caller may ask of the marks layer: the argument checks every store makes before it writes, so a bad
 * argument is a BadInputError naming it (BAD_USER_INPUT at the API) in every store and every mode. Pure.
 */
import { BadInputError } from '../errors.ts';
import { isWellFormed } from '../text/well-formed.ts';
import type { ClaimInput, LeaveMarkInput } from '../store/records.ts';

/** Longest mark kind / claim purpose in characters: they are labels, and every subscriber receives them. */
export const MAX_LABEL_LENGTH = 200;
/** Longest mark note in characters. */
export const MAX_NOTE_LENGTH = 4000;
/** Strongest mark: marks are concentrations (reinforcement saturates at max(1, first strength)). */
export const MAX_STRENGTH = 1_000_000;
/** Longest lifetime (half-life, TTL, lease) in milliseconds: ten years keeps every expiry a valid date. */
export const MAX_LIFETIME_MS = 10 * 365 * 24 * 3600 * 1000;

/** A required piece of text: non-empty, well-formed, at most `max` characters. */
export function checkText(argument: string, value: string, max: number, options: { allowEmpty?: boolean } = {}): void {
  if (!options.allowEmpty && value.length === 0) throw new BadInputError(argument, 'must not be empty');
  if (value.length > max) throw new BadInputError(argument, `is ${value.length} characters long; at most ${max} are allowed`);
  if (!isWellFormed(value)) throw new BadInputError(argument, 'is not well-formed Unicode (it holds a lone UTF-16 surrogate)');
}

/** A lifetime: a positive, finite number of milliseconds up to MAX_LIFETIME_MS. */
export function checkLifetime(argument: string, ms: number): void {
  if (!Number.isFinite(ms) || !(ms > 0)) throw new BadInputError(argument, `must be > 0 (a positive number of milliseconds), got ${ms}`);
  if (ms > MAX_LIFETIME_MS) throw new BadInputError(argument, `must be at most ${MAX_LIFETIME_MS} ms (ten years), got ${ms}`);
}

/** The checks before a mark is left. */
export function checkLeaveMark(input: LeaveMarkInput): void {
  checkText('on', input.on, 1024);
  checkText('kind', input.kind, MAX_LABEL_LENGTH);
  checkText('agent', input.agent, 1024);
  if (input.note !== undefined) checkText('note', input.note, MAX_NOTE_LENGTH, { allowEmpty: true });
  if (!Number.isFinite(input.strength) || !(input.strength > 0)) throw new BadInputError('strength', `must be > 0 and finite, got ${input.strength}`);
  if (input.strength > MAX_STRENGTH) throw new BadInputError('strength', `must be at most ${MAX_STRENGTH}, got ${input.strength}`);
  if (input.halfLifeMs === undefined && input.ttlMs === undefined) {
    throw new BadInputError('halfLifeMs', 'or ttlMs is required: a mark needs halfLifeMs or ttlMs (or both), or it would never evaporate');
  }
  if (input.halfLifeMs !== undefined) checkLifetime('halfLifeMs', input.halfLifeMs);
  if (input.ttlMs !== undefined) checkLifetime('ttlMs', input.ttlMs);
}

/** The checks before a reinforcement: `by`, when given, is a finite number > 0 up to MAX_STRENGTH. */
export function checkReinforceBy(by: number | undefined): void {
  if (by === undefined) return;
  if (!Number.isFinite(by) || !(by > 0) || by > MAX_STRENGTH) throw new BadInputError('by', `must be a number > 0 and at most ${MAX_STRENGTH}, got ${by}`);
}

/** The checks before a claim is taken or renewed. */
export function checkClaim(input: Pick<ClaimInput, 'on' | 'purpose' | 'agent' | 'ttlMs'>): void {
  checkText('node', input.on, 1024);
  checkText('purpose', input.purpose, MAX_LABEL_LENGTH);
  checkText('agent', input.agent, 1024);
  checkLifetime('ttlMs', input.ttlMs);
}
