/**
 * DeadLetterStore over a JetStream stream (`TG_DEADLETTERS`, subjects `tg.dlq.<reason>`). The body is the
 * payload exactly as received; headers carry the reason, the message, the issues (JSON pointers), the original
 * subject and headers, and the delivery count. A letter's id is its stream sequence; `remove` deletes it.
 *
 * Puts are deduplicated by `Nats-Msg-Id` = hash(reason, payload): a projector that crashes after dead-lettering
 * but before acking sees the event again, and must not file it twice.
 */
import { createHash } from 'node:crypto';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager, StoredMsg } from '@nats-io/jetstream';
import type { EventIssue } from '../../core/errors.ts';
import type { DeadLetter, DeadLetterStore, NewDeadLetter } from '../../ports/dead-letters.ts';
import { ensureStream } from './streams.ts';
import { DLQ_PREFIX } from './subjects.ts';

export interface NatsDeadLettersOptions {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly stream?: string;
  /** 0 = keep until replayed. */
  readonly maxAgeMs?: number;
  /** Copies of the stream (as many as the event stream: a dead letter is an event too). Unset: 1 for a new stream, an existing one keeps its count. */
  readonly replicas?: number;
}

const H = {
  reason: 'Tg-Reason',
  message: 'Tg-Message',
  issues: 'Tg-Issues',
  eventId: 'Tg-Event-Id',
  subject: 'Tg-Original-Subject',
  headers: 'Tg-Original-Headers',
  deliveries: 'Tg-Deliveries',
  receivedAt: 'Tg-Received-At',
} as const;

function unquote(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  try {
    return JSON.parse(`"${v}"`) as string;
  } catch {
    return v;
  }
}

function toLetter(m: StoredMsg): DeadLetter {
  const h: MsgHdrs | undefined = m.header;
  const get = (k: string): string | undefined => (h?.has(k) ? h.get(k) : undefined);
  const json = <T>(k: string, fallback: T): T => {
    const v = get(k);
    try {
      return v === undefined ? fallback : (JSON.parse(v) as T);
    } catch {
      return fallback;
    }
  };
  // Written as the inside of a JSON string (one header line whatever the id holds), so read back the same way.
  const eventId = unquote(get(H.eventId));
  const subject = get(H.subject);
  const deliveries = get(H.deliveries);
  const encoded = get(H.headers);
  let originalHeaders: Record<string, string> | undefined;
  try {
    originalHeaders = encoded ? (JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as Record<string, string>) : undefined;
  } catch {
    originalHeaders = undefined;
  }
  return {
    id: String(m.seq),
    reason: (get(H.reason) ?? 'invalid') as DeadLetter['reason'],
    message: json<string>(H.message, ''),
    issues: json<EventIssue[]>(H.issues, []),
    payload: m.string(),
    receivedAt: get(H.receivedAt) ?? m.time.toISOString(),
    ...(eventId ? { eventId } : {}),
    ...(subject ? { subject } : {}),
    ...(originalHeaders ? { headers: originalHeaders } : {}),
    ...(deliveries ? { deliveries: Number(deliveries) } : {}),
  };
}

/** A DeadLetterStore backed by the dead-letter stream (created at call time when missing). */
export async function createNatsDeadLetters(options: NatsDeadLettersOptions): Promise<DeadLetterStore> {
  const stream = options.stream ?? 'TG_DEADLETTERS';
  const { js, jsm } = options;
  await ensureStream(jsm, { name: stream, subjects: [`${DLQ_PREFIX}.>`], maxAgeMs: options.maxAgeMs ?? 0, duplicateWindowMs: 120_000, ...(options.replicas !== undefined && { replicas: options.replicas }) });

  const get = async (id: string): Promise<DeadLetter | undefined> => {
    const seq = Number(id);
    if (!Number.isInteger(seq) || seq < 1) return undefined;
    try {
      const m = await jsm.streams.getMessage(stream, { seq });
      return m ? toLetter(m) : undefined;
    } catch {
      return undefined; // deleted (replayed) or never existed
    }
  };

  return {
    async put(letter: NewDeadLetter): Promise<DeadLetter> {
      const h = natsHeaders();
      const receivedAt = letter.receivedAt ?? new Date().toISOString();
      // Header values must be one line: JSON-encode everything free-form.
      h.set(H.reason, letter.reason);
      h.set(H.message, JSON.stringify(letter.message));
      h.set(H.issues, JSON.stringify(letter.issues));
      h.set(H.receivedAt, receivedAt);
      if (letter.eventId !== undefined) h.set(H.eventId, JSON.stringify(letter.eventId).slice(1, -1));
      if (letter.subject !== undefined) h.set(H.subject, letter.subject);
      // base64: nats-server scans header blocks for `Nats-Msg-Id` by bytes, and the original headers contain it.
      if (letter.headers !== undefined) h.set(H.headers, Buffer.from(JSON.stringify(letter.headers)).toString('base64'));
      if (letter.deliveries !== undefined) h.set(H.deliveries, String(letter.deliveries));
      const msgID = createHash('sha256').update(letter.reason).update('\n').update(letter.payload).digest('hex');
      const ack = await js.publish(`${DLQ_PREFIX}.${letter.reason}`, letter.payload, { msgID, headers: h, timeout: 5000 });
      // A duplicate was not stored: answer with the letter that was (its time and delivery count, not the retry's).
      const filed = ack.duplicate ? await get(String(ack.seq)) : undefined;
      return filed ?? { ...letter, id: String(ack.seq), receivedAt };
    },
    async list({ limit = 100, afterId } = {}) {
      const out: DeadLetter[] = [];
      const info = await jsm.streams.info(stream);
      let seq = Math.max(info.state.first_seq, afterId ? Number(afterId) + 1 : 1);
      while (out.length < limit && seq <= info.state.last_seq) {
        let m: StoredMsg | null = null;
        try {
          // next_by_subj skips deleted (replayed) letters in one round trip; the typings only list it for direct get.
          m = await jsm.streams.getMessage(stream, { seq, next_by_subj: `${DLQ_PREFIX}.>` } as unknown as { seq: number });
        } catch {
          m = null;
        }
        if (!m) break;
        out.push(toLetter(m));
        seq = m.seq + 1;
      }
      return out;
    },
    get,
    async remove(id) {
      const seq = Number(id);
      if (!Number.isInteger(seq) || seq < 1) return;
      await jsm.streams.deleteMessage(stream, seq, false).catch(() => false);
    },
    async count() {
      return (await jsm.streams.info(stream)).state.messages;
    },
  };
}
