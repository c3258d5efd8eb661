/**
 * Replay: rebuild a graph into a fresh store from the event log — the JetStream stream (NATS mode) or another
 * store's ledger (embedded mode). Events go through the ingestor again (validation, planning) in stream order,
 * in batches, each committed with its checkpoint, so an interrupted replay resumes where it stopped.
 */
import type { GraphStore } from '../../ports/graph-store.ts';
import type { ProjectorIngestor, ProjectorRawEvent } from './projector.ts';

/** One event of a log to replay, in order. */
export interface ReplaySourceEvent extends ProjectorRawEvent {
  /** Position in the source log (stream seq or ledger seq): the checkpoint. */
  readonly position: number;
}

export interface ReplayOptions {
  readonly source: AsyncIterable<ReplaySourceEvent>;
  readonly ingestor: ProjectorIngestor;
  readonly checkpointName?: string;
  readonly batchSize?: number;
  /** Called after each committed batch. */
  readonly onProgress?: (done: number, position: number) => void;
}

export interface ReplayReport {
  readonly events: number;
  readonly applied: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly lastPosition: number;
}

/** Replays `source` through the ingestor. */
export async function replay({ source, ingestor, checkpointName = 'replay', batchSize = 500, onProgress }: ReplayOptions): Promise<ReplayReport> {
  let events = 0;
  let applied = 0;
  let duplicates = 0;
  let rejected = 0;
  let lastPosition = 0;
  let batch: ReplaySourceEvent[] = [];
  const flush = async (): Promise<void> => {
    const last = batch[batch.length - 1];
    if (!last) return;
    const results = await ingestor.ingest(batch, { checkpoint: { name: checkpointName, position: last.position } });
    for (const r of results) {
      if (r.status === 'applied') applied++;
      else if (r.status === 'duplicate') duplicates++;
      else rejected++;
    }
    events += batch.length;
    lastPosition = last.position;
    batch = [];
    onProgress?.(events, lastPosition);
  };
  for await (const e of source) {
    batch.push(e);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return { events, applied, duplicates, rejected, lastPosition };
}

/** A replay source over another store's ledger (embedded mode): its applied events, in seq order. */
export async function* ledgerSource(store: Pick<GraphStore, 'ledger'>, fromSeq = 1, fromTime?: string): AsyncIterable<ReplaySourceEvent> {
  const since = fromTime ? Date.parse(fromTime) : undefined;
  for (let after = fromSeq - 1; ; ) {
    const page = await store.ledger(after, 1000);
    if (page.length === 0) return;
    for (const entry of page) {
      after = entry.seq;
      if (entry.kind !== 'event' || !entry.event) continue;
      if (since !== undefined && Date.parse(entry.committedAt) < since) continue;
      yield { position: entry.seq, payload: JSON.stringify(entry.event), subject: entry.subject ?? '', headers: {}, deliveries: 1 };
    }
  }
}

/** A replay source over the JetStream stream: `read` as given by the NATS bus adapter. */
export async function* busSource(
  read: AsyncIterable<{ streamSeq: number; subject: string; headers: Readonly<Record<string, string>>; data: string }>,
): AsyncIterable<ReplaySourceEvent> {
  for await (const m of read) yield { position: m.streamSeq, payload: m.data, subject: m.subject, headers: m.headers, deliveries: 1 };
}
