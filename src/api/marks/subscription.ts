/**
 * `Subscription.marks`: a mark-feed subscription handed to whichever transport runs the operation (GraphQL over
 * SSE, graphql-ws). Backpressure reaches the feed: SSE stops pulling when the HTTP response cannot be written,
 * and over WebSocket (whose `send` never blocks) we stop pulling while the socket's send buffer is over a high
 * water mark. Either way the feed's bounded queue fills and the subscriber is cut off with SLOW_SUBSCRIBER and
 * the seq to resume after — the server never buffers without bound.
 */
import type { ChangeMark } from '../../core/marks/change-mark.ts';
import type { MarkWhere } from '../../core/marks/filter.ts';
import type { MarkFeed, MarkSubscription } from '../../ports/mark-feed.ts';
import type { ApiContext } from '../context.ts';

/** Bytes queued on a WebSocket above which we stop taking marks from the feed. */
const WS_HIGH_WATER = 1 << 20;

/** The part of a `ws` WebSocket we look at. */
interface SendBuffer {
  readonly bufferedAmount: number;
  readonly readyState: number;
}

/** An iterator that yields the feed's error as a value, so `resolve` can turn it into a GraphQL error. */
class Delivery implements AsyncIterableIterator<ChangeMark | Error> {
  #ended = false;
  constructor(
    private readonly sub: MarkSubscription,
    private readonly socket: SendBuffer | undefined,
  ) {}

  async next(): Promise<IteratorResult<ChangeMark | Error>> {
    if (this.#ended) return { done: true, value: undefined };
    while (this.socket && this.socket.bufferedAmount > WS_HIGH_WATER && this.socket.readyState === 1 && !this.#ended) {
      await new Promise((r) => setTimeout(r, 10));
    }
    try {
      const r = await this.sub.next();
      if (r.done) this.#ended = true;
      return r;
    } catch (err) {
      this.#ended = true;
      return { done: false, value: err instanceof Error ? err : new Error(String(err)) };
    }
  }

  async return(): Promise<IteratorResult<ChangeMark | Error>> {
    this.#ended = true;
    await this.sub.return();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** A stream whose only item is an error. */
function failed(err: Error): AsyncIterableIterator<Error> {
  let sent = false;
  const it: AsyncIterableIterator<Error> = {
    next: () => {
      if (sent) return Promise.resolve({ done: true, value: undefined });
      sent = true;
      return Promise.resolve({ done: false, value: err });
    },
    return: () => Promise.resolve({ done: true, value: undefined }),
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}

function toWhere(where: Record<string, unknown> | null | undefined): MarkWhere {
  const list = (k: string): readonly string[] | undefined => (Array.isArray(where?.[k]) ? (where[k] as string[]) : undefined);
  const out: { -readonly [K in keyof MarkWhere]: MarkWhere[K] } = {};
  for (const k of ['classes', 'ids', 'eventTypes', 'relationships', 'kinds'] as const) {
    const v = list(k);
    if (v) out[k] = v;
  }
  return out;
}

/** The `Subscription.marks` field resolver over `feed`. */
export function marksSubscription(feed: MarkFeed): {
  subscribe: (parent: unknown, args: Record<string, unknown>, ctx: unknown) => AsyncIterableIterator<ChangeMark | Error>;
  resolve: (payload: ChangeMark | Error, args: unknown, ctx: unknown) => ChangeMark;
} {
  return {
    subscribe: (_parent, args, ctx) => {
      const after = typeof args.after === 'number' ? args.after : undefined;
      const socket = (ctx as { socket?: SendBuffer } | undefined)?.socket;
      try {
        const sub = feed.subscribe(toWhere(args.where as Record<string, unknown> | null), after === undefined ? {} : { after });
        return new Delivery(sub, socket);
      } catch (err) {
        // A bad filter: report it in-band (a `next` with errors), as both transports' protocols expect.
        return failed(err instanceof Error ? err : new Error(String(err)));
      }
    },
    resolve: (payload, _args, ctx) => {
      if (payload instanceof Error) throw payload;
      // Each mark selects the CURRENT state of the nodes it touched: nothing cached from earlier marks.
      (ctx as Partial<ApiContext> | undefined)?.loaders?.clear();
      return payload;
    },
  };
}
