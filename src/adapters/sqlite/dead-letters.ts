/** The embedded DeadLetterStore: a table in the same SQLite file as the graph by default. */
import { createHash } from 'node:crypto';
import type { EventIssue } from '../../core/errors.ts';
import type { DeadLetter, DeadLetterStore, NewDeadLetter } from '../../ports/dead-letters.ts';
import { guard } from './context.ts';
import { openDatabase, type SqliteDatabase } from './open.ts';

interface Row {
  id: number;
  event_id: string | null;
  reason: DeadLetter['reason'];
  message: string;
  issues: string;
  subject: string | null;
  headers: string | null;
  payload: string;
  deliveries: number | null;
  received_at: string;
}

function toLetter(r: Row): DeadLetter {
  return {
    id: String(r.id),
    ...(r.event_id !== null && { eventId: r.event_id }),
    reason: r.reason,
    message: r.message,
    issues: JSON.parse(r.issues) as EventIssue[],
    ...(r.subject !== null && { subject: r.subject }),
    ...(r.headers !== null && { headers: JSON.parse(r.headers) as Record<string, string> }),
    payload: r.payload,
    ...(r.deliveries !== null && { deliveries: r.deliveries }),
    receivedAt: r.received_at,
  };
}

/** The dead-letter store; `close` closes the connection only when this store opened it. */
export interface SqliteDeadLetterStore extends DeadLetterStore {
  close(): Promise<void>;
}

/**
 * Opens the dead-letter store on a file (`{ path }`, default the graph's file) or on an open connection
 * (`{ db }`, e.g. the graph store's, so both share one file and one lock).
 */
export function createSqliteDeadLetters(options: { path?: string } | { db: SqliteDatabase } = {}): SqliteDeadLetterStore {
  const own = !('db' in options);
  const db = 'db' in options ? options.db : openDatabase({ path: options.path ?? './.trailgraph/graph.db' });
  const insert = db.prepare(
    `INSERT INTO dead_letters (event_id, reason, message, issues, subject, headers, payload, deliveries, received_at, payload_hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  );
  const filed = db.prepare('SELECT * FROM dead_letters WHERE reason = ? AND payload_hash = ? AND payload = ? ORDER BY id LIMIT 1');
  const file = db.transaction((l: NewDeadLetter): Row => {
    const hash = createHash('sha256').update(l.payload).digest('hex');
    const existing = filed.get(l.reason, hash, l.payload) as Row | undefined;
    if (existing) return existing;
    return insert.get(
      l.eventId ?? null, l.reason, l.message, JSON.stringify(l.issues), l.subject ?? null,
      l.headers ? JSON.stringify(l.headers) : null, l.payload, l.deliveries ?? null, l.receivedAt ?? new Date().toISOString(), hash,
    ) as Row;
  });
  const list = db.prepare('SELECT * FROM dead_letters WHERE id > ? ORDER BY id LIMIT ?');
  const get = db.prepare('SELECT * FROM dead_letters WHERE id = ?');
  const del = db.prepare('DELETE FROM dead_letters WHERE id = ?');
  const count = db.prepare('SELECT count(*) FROM dead_letters').pluck();
  const idOf = (id: string | undefined): number => (id && /^\d+$/.test(id) ? Number(id) : -1);
  const store: SqliteDeadLetterStore = {
    async put(l: NewDeadLetter) {
      return guard(() => toLetter(file.immediate(l)));
    },
    async list(o = {}) {
      return guard(() => (list.all(o.afterId ? idOf(o.afterId) : 0, Math.max(0, o.limit ?? 100)) as Row[]).map(toLetter));
    },
    async get(id) {
      const r = guard(() => get.get(idOf(id)) as Row | undefined);
      return r && toLetter(r);
    },
    async remove(id) {
      guard(() => del.run(idOf(id)));
    },
    async count() {
      return guard(() => count.get() as number);
    },
    async close() {
      if (own && db.open) db.close();
    },
  };
  return store;
}
