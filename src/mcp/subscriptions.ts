/**
 * Resource subscriptions of one MCP session, driven by the mark feed: `trailgraph://marks` is updated by every
 * change mark the caller may see, `trailgraph://node/{id}` by every mark that touches the node. One feed
 * subscription per session, opened on the first resources/subscribe; a session cut off as slow resumes from its
 * last seq. Notifications carry only the URI (the client reads the resource or calls marks_since), so a burst
 * of marks is coalesced into one notification per URI per interval.
 */
import type { DeliveryAccess } from '../api/marks/subscription.ts';
import { touchedNodeIds, type ChangeMark } from '../core/marks/change-mark.ts';
import type { MarkFeed, MarkSubscription } from '../ports/mark-feed.ts';

export const MARKS_URI = 'trailgraph://marks';
export const NODE_URI_PREFIX = 'trailgraph://node/';

/** Shortest gap between two notifications for one URI. */
const COALESCE_MS = 50;

export interface ResourceSubscriptions {
  subscribe(uri: string): void;
  unsubscribe(uri: string): void;
  close(): Promise<void>;
}

export interface SubscriptionsOptions {
  readonly feed: MarkFeed;
  /** The caller's view of a mark (auth on); the mark is skipped when it returns undefined. */
  readonly access: () => Promise<DeliveryAccess>;
  readonly notify: (uri: string) => Promise<void>;
  readonly log: (line: string) => void;
}

export function createResourceSubscriptions({ feed, access, notify, log }: SubscriptionsOptions): ResourceSubscriptions {
  const uris = new Set<string>();
  const lastSent = new Map<string, number>();
  const pending = new Map<string, NodeJS.Timeout>();
  const stop = new AbortController();
  let sub: MarkSubscription | undefined;
  let loop: Promise<void> | undefined;

  const send = (uri: string): void => {
    if (pending.has(uri)) return;
    const wait = Math.max(0, (lastSent.get(uri) ?? 0) + COALESCE_MS - Date.now());
    pending.set(uri, setTimeout(() => {
      pending.delete(uri);
      lastSent.set(uri, Date.now());
      if (uris.has(uri)) notify(uri).catch((err: unknown) => log(`trailgraph mcp: resource notification failed: ${String(err)}`));
    }, wait));
  };

  const dispatch = (mark: ChangeMark): void => {
    if (uris.has(MARKS_URI)) send(MARKS_URI);
    for (const id of touchedNodeIds(mark)) {
      const uri = `${NODE_URI_PREFIX}${encodeURIComponent(id)}`;
      if (uris.has(uri)) send(uri);
    }
  };

  const run = async (): Promise<void> => {
    let after: number | undefined;
    while (!stop.signal.aborted) {
      const view = await access();
      if (view.expiresAt !== undefined && view.expiresAt <= Date.now()) return;
      sub = feed.subscribe({}, { signal: stop.signal, ...(after !== undefined && { after }) });
      try {
        for await (const mark of sub) {
          const shown = view.visible ? await view.visible(mark) : mark;
          if (shown) dispatch(shown);
        }
        return; // ended: closing, or the feed itself closed
      } catch {
        // Cut off as slow: resume from the last mark seen.
      }
      after = sub.resumeAfterSeq;
    }
  };

  return {
    subscribe(uri) {
      uris.add(uri);
      loop ??= run().catch((err: unknown) => log(`trailgraph mcp: resource subscription ended: ${String(err)}`));
    },
    unsubscribe(uri) {
      uris.delete(uri);
    },
    async close() {
      stop.abort();
      for (const t of pending.values()) clearTimeout(t);
      pending.clear();
      await sub?.return();
      await loop;
    },
  };
}
