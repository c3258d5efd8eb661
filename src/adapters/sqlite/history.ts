/**
 * Writing the versioned rows as-of reads use (schema step 6), in the applying transaction: after each change set,
 * every node and relationship it changed gets its new version and the version it replaced is closed at the change
 * set's seq. Driven by the AppliedChanges (what really changed), so a no-op upsert writes no version; a node's new
 * version is copied from its row as the change set left it.
 */
import type { AppliedChange } from '../../core/projection/change-set.ts';
import type { StoreContext } from './context.ts';
import { SEED_HISTORY } from './schema.ts';

/** Records the versions change set `seq` made, in the order of its changes. */
export function recordHistory(ctx: StoreContext, seq: number, changes: readonly AppliedChange[]): void {
  for (const c of changes) {
    if (c.kind === 'node') {
      if (c.change === 'deleted') closeNode(ctx, c.id, seq);
      else writeNodeVersion(ctx, c.id, seq, c.change === 'created');
    } else if (c.kind === 'relationship') {
      if (c.change === 'created') {
        ctx
          .stmt(
            `INSERT INTO rel_versions (type, from_id, to_id, seq, event_id, source, time, created_seq)
             SELECT type, from_id, to_id, seq, event_id, source, time, created_seq FROM rels WHERE type = ? AND from_id = ? AND to_id = ?
             ON CONFLICT(type, from_id, to_id, seq) DO UPDATE SET vt = NULL`,
          )
          .run(c.type, c.from.id, c.to.id);
      } else {
        ctx.stmt('UPDATE rel_versions SET vt = ? WHERE type = ? AND from_id = ? AND to_id = ? AND vt IS NULL').run(seq, c.type, c.from.id, c.to.id);
      }
    }
  }
}

/**
 * A node's version as its row stands now. A node just created has nothing open to close (it did not exist, or its
 * delete closed every version and label): the hot path of ingest — mostly creates — skips those probes.
 */
function writeNodeVersion(ctx: StoreContext, id: string, seq: number, created: boolean): void {
  if (!created) ctx.stmt('UPDATE node_versions SET vt = ? WHERE id = ? AND vt IS NULL AND seq < ?').run(seq, id, seq);
  ctx
    .stmt(
      `INSERT INTO node_versions (id, seq, class, labels, props, event_id, source, time, created_seq)
       SELECT id, seq, class, labels, props, event_id, source, time, created_seq FROM nodes WHERE id = ?
       ON CONFLICT(id, seq) DO UPDATE SET vt = NULL, class = excluded.class, labels = excluded.labels, props = excluded.props,
         event_id = excluded.event_id, source = excluded.source, time = excluded.time, created_seq = excluded.created_seq`,
    )
    .run(id);
  if (created) {
    ctx
      .stmt(
        `INSERT INTO label_versions (label, id, seq) SELECT j.value, n.id, n.seq FROM nodes n, json_each(n.labels) j WHERE n.id = ?
         ON CONFLICT(label, id, seq) DO UPDATE SET vt = NULL`,
      )
      .run(id);
    return;
  }
  // Labels only grow while a node lives (core's refine rule): open a row for each label not open yet.
  ctx
    .stmt(
      `INSERT INTO label_versions (label, id, seq)
       SELECT j.value, n.id, n.seq FROM nodes n, json_each(n.labels) j
       WHERE n.id = ? AND NOT EXISTS (SELECT 1 FROM label_versions lv WHERE lv.label = j.value AND lv.id = n.id AND lv.vt IS NULL)
       ON CONFLICT(label, id, seq) DO UPDATE SET vt = NULL`,
    )
    .run(id);
}

function closeNode(ctx: StoreContext, id: string, seq: number): void {
  ctx.stmt('UPDATE node_versions SET vt = ? WHERE id = ? AND vt IS NULL').run(seq, id);
  ctx.stmt('UPDATE label_versions SET vt = ? WHERE id = ? AND vt IS NULL').run(seq, id);
}

/** Drops the history and makes the current graph its first versions, valid from their last change (resetHistory). */
export function restartHistory(ctx: StoreContext): void {
  ctx.db.exec(`DELETE FROM node_versions; DELETE FROM label_versions; DELETE FROM rel_versions; ${SEED_HISTORY}`);
}
