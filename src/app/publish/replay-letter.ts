/**
 * Replaying one dead letter: its payload, exactly as received, goes through the publisher again (marked as a
 * replay), and the letter is removed only once the event is accepted. The CLI (`dlq replay`) and the service's
 * `/dead-letters/{id}/replay` both do it this way.
 */
import type { DeadLetter, DeadLetterStore } from '../../ports/dead-letters.ts';
import { REPLAY_HEADER } from './nats-publisher.ts';
import type { PublishOutcome, Publisher } from './publisher.ts';

export interface LetterReplay {
  /** False when the event is still rejected: the letter stays (in embedded mode a new letter says why). */
  readonly ok: boolean;
  readonly outcome: PublishOutcome;
}

export async function replayLetter(publisher: Publisher, deadLetters: DeadLetterStore, letter: DeadLetter, waitMs = 5000): Promise<LetterReplay> {
  const [outcome] = await publisher.publish([{ payload: letter.payload, headers: { [REPLAY_HEADER]: letter.id } }], { waitMs });
  if (!outcome) throw new Error('publisher returned no outcome');
  if (outcome.status === 'rejected') return { ok: false, outcome };
  await deadLetters.remove(letter.id);
  return { ok: true, outcome };
}
