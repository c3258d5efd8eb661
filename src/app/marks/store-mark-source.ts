/**
 * The single-replica live mark source: this process's store commits, as change marks.
 */
import { toChangeMark } from '../../core/marks/change-mark.ts';
import type { GraphStore } from '../../ports/graph-store.ts';
import type { LiveMarkSource } from '../../ports/mark-feed.ts';

/** Live marks from `store.onCommit` (commits made by this process only). */
export function createStoreMarkSource(store: GraphStore): LiveMarkSource {
  return {
    listen(listener) {
      return store.onCommit((entries) => listener(entries.map(toChangeMark)));
    },
    close: () => Promise.resolve(),
  };
}
