/**
 * The publish edge under a policy: every event's `source` must be the authenticated agent and its type one the
 * agent's roles may publish. Refused events never reach the bus or the store; they are dead-lettered with the
 * reason (reason `forbidden`) and reported as rejected, like invalid ones. Unparsable events go on to the
 * publisher, which rejects them with their located validation error.
 */
import { describeAction } from '../../core/auth/decide.ts';
import { ForbiddenError } from '../../core/auth/errors.ts';
import type { Principal } from '../../core/auth/principal.ts';
import type { DeadLetterStore } from '../../ports/dead-letters.ts';
import type { RawEvent } from '../ingest/ingest.ts';
import type { PublishOptions, PublishOutcome, Publisher } from '../publish/publisher.ts';
import type { AccessControl } from './access-control.ts';

/** Who publishes, under which rules, and where refusals are kept. */
export interface PublishGuard {
  readonly access: AccessControl;
  readonly principal: Principal;
  readonly deadLetters?: DeadLetterStore;
}

function envelopeOf(raw: RawEvent): { text: string; id?: string; type?: unknown; source?: unknown } | undefined {
  try {
    const text = typeof raw.payload === 'string' ? raw.payload : JSON.stringify(raw.payload);
    const v = JSON.parse(text) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    const e = v as Record<string, unknown>;
    return { text, ...(typeof e.id === 'string' && { id: e.id }), type: e.type, source: e.source };
  } catch {
    return undefined;
  }
}

async function refuse(guard: PublishGuard, raw: RawEvent, env: NonNullable<ReturnType<typeof envelopeOf>>, err: ForbiddenError, pointer: string): Promise<PublishOutcome> {
  const letter = await guard.deadLetters?.put({
    ...(env.id !== undefined && { eventId: env.id }),
    reason: 'forbidden',
    message: `event ${env.id ?? '<no id>'}: ${err.message}`,
    issues: [{ pointer, message: err.message }],
    ...(raw.subject !== undefined && { subject: raw.subject }),
    payload: env.text,
  });
  return { status: 'rejected', ...(env.id !== undefined && { eventId: env.id }), error: err, ...(letter && { deadLetterId: letter.id }) };
}

/** Publishes what the principal may publish; the rest is refused in place (outcomes keep input order). */
export async function publishGuarded(publisher: Publisher, raws: readonly RawEvent[], options: PublishOptions, guard: PublishGuard | undefined): Promise<PublishOutcome[]> {
  if (!guard) return publisher.publish(raws, options);
  const outcomes: (PublishOutcome | undefined)[] = [];
  const allowed: { raw: RawEvent; at: number }[] = [];
  for (const [at, raw] of raws.entries()) {
    const env = envelopeOf(raw);
    if (env === undefined || typeof env.type !== 'string' || typeof env.source !== 'string') {
      allowed.push({ raw, at }); // invalid: the publisher rejects and dead-letters it with the located reason
      outcomes.push(undefined);
      continue;
    }
    const action = { kind: 'publish', eventType: env.type, source: env.source } as const;
    const d = guard.access.decide(guard.principal, action);
    if (d.allowed) {
      allowed.push({ raw, at });
      outcomes.push(undefined);
    } else {
      const pointer = env.source !== guard.principal.agent ? '/source' : '/type';
      outcomes.push(await refuse(guard, raw, env, new ForbiddenError(guard.principal.agent, describeAction(action), d.reason), pointer));
    }
  }
  if (allowed.length > 0) {
    const published = await publisher.publish(allowed.map((a) => a.raw), options);
    for (const [i, a] of allowed.entries()) outcomes[a.at] = published[i];
  }
  return outcomes.map((o) => o ?? { status: 'rejected' });
}
