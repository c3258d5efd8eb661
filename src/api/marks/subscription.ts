/**
 * `Subscription.marks`: a mark-feed subscription handed to whichever transport runs the operation (GraphQL over
 * SSE, graphql-ws). Backpressure reaches the feed: SSE stops pulling when the HTTP response cannot be written,
 * and over WebSocket (whose `send` never blocks) we stop pulling while the socket's send buffer is over a high
 * water mark. Either way the feed's bounded queue fills and the subscriber is cut off with SLOW_SUBSCRIBER and
 * the seq to resume after — the server never buffers without bound.
 */
import { touchedNodeIds, type ChangeMark } from '../../core/marks/change-mark.ts';
import { UnauthenticatedError } from '../../core/auth/errors.ts';
import type { MarkWhere } from '../../core/marks/filter.ts';
import type { MarkFeed, MarkSubscription } from '../../ports/mark-feed.ts';
import type { ApiContext } from '../context.ts';
import { startDelivery, type TracedDelivery } from '../../observability/trace-delivery.ts';

/** Bytes queued on a WebSocket above which we stop taking marks from the feed. */
const WS_HIGH_WATER = 1 << 20;

/** The part of a `ws` WebSocket we look at. */
interface SendBuffer {
  readonly bufferedAmount: number;
  readonly readyState: number;
}

/** What a subscriber may see, with auth on. */
export interface DeliveryAccess {
  /** The mark as the caller may see it (changes about unreadable nodes removed), or undefined to skip it. */
  readonly visible?: (mark: ChangeMark) => Promise<ChangeMark | undefined>;
  /** The token's expiry (epoch ms): the subscription ends then with UNAUTHENTICATED. */
  readonly expiresAt?: number;
}

/** An iterator that yields the feed's error as a value, so `resolve` can turn it into a GraphQL error. */
class Delivery implements AsyncIterableIterator<ChangeMark | Error> {
  #ended = false;
  /** The delivery span of the mark handed out last: ends when the transport asks for the next one (or ends). */
  #traced: TracedDelivery | undefined;
  constructor(
    private readonly sub: MarkSubscription,
    private readonly socket: SendBuffer | undefined,
    private readonly access: DeliveryAccess = {},
  ) {}

  /** The next mark, or the expiry error when the token runs out first. */
  async #pull(): Promise<IteratorResult<ChangeMark>> {
    const { expiresAt } = this.access;
    if (expiresAt === undefined) return this.sub.next();
    const left = expiresAt - Date.now();
    if (left <= 0) throw new UnauthenticatedError('expired', 'the token has expired; the subscription ended — resubscribe with a fresh token and after: <last seq>');
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UnauthenticatedError('expired', 'the token has expired; the subscription ended — resubscribe with a fresh token and after: <last seq>')), left);
    });
    try {
      return await Promise.race([this.sub.next(), expiry]);
    } finally {
      clearTimeout(timer);
    }
  }

  async next(): Promise<IteratorResult<ChangeMark | Error>> {
    this.#endDelivery();
    if (this.#ended) return { done: true, value: undefined };
    while (this.socket && this.socket.bufferedAmount > WS_HIGH_WATER && this.socket.readyState === 1 && !this.#ended) {
      await new Promise((r) => setTimeout(r, 10));
    }
    try {
      for (;;) {
        const r = await this.#pull();
        if (r.done) {
          this.#ended = true;
          return r;
        }
        const shown = this.access.visible ? await this.access.visible(r.value) : r.value;
        if (!shown) continue;
        this.#traced = startDelivery(shown, this.socket ? 'websocket' : 'sse');
        return { done: false, value: this.#traced?.mark ?? shown };
      }
    } catch (err) {
      this.#ended = true;
      if (err instanceof UnauthenticatedError) void this.sub.return();
      return { done: false, value: err instanceof Error ? err : new Error(String(err)) };
    }
  }

  #endDelivery(): void {
    this.#traced?.span.end();
    this.#traced = undefined;
  }

  async return(): Promise<IteratorResult<ChangeMark | Error>> {
    this.#endDelivery();
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

/**
 * With auth on, a change mark is shown with only the changes whose nodes the caller may read (asked of the
 * scoped store, so row rules apply as in queries), and not at all when none is left.
 */
export function deliveryAccess(ctx: Partial<ApiContext> | undefined): DeliveryAccess {
  if (!ctx?.principal) return {};
  const { store, readAccess } = ctx;
  const expiresAt = ctx.principal.expiresAt;
  if (readAccess === 'all' || !store) return expiresAt === undefined ? {} : { expiresAt };
  const visible = async (mark: ChangeMark): Promise<ChangeMark | undefined> => {
    const { subject, ...rest } = mark;
    // The subject names the aggregate (`Referral/r-2`): shown only when the caller may read that node too — asked
    // even when the event changed nothing on the aggregate itself (a lab result created beside the referral).
    const sid = subject?.slice(subject.indexOf('/') + 1);
    const found = await store.getNodes([...new Set([...touchedNodeIds(mark), ...(sid ? [sid] : [])])]);
    const changes = mark.changes.filter((c) =>
      c.kind === 'node' ? found.has(c.id) : c.kind === 'relationship' ? found.has(c.from.id) && found.has(c.to.id) : found.has(c.on.id),
    );
    if (changes.length === 0) return undefined;
    return { ...rest, changes, ...(subject !== undefined && sid !== undefined && found.has(sid) && { subject }) };
  };
  return { visible, ...(expiresAt !== undefined && { expiresAt }) };
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
        return new Delivery(sub, socket, deliveryAccess(ctx as Partial<ApiContext> | undefined));
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
