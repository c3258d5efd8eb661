/**
 * A resumable mark subscription: GraphQL over SSE (the official graphql-sse client, distinct-connections mode),
 * reconnecting with `after: <last seq>` whenever the stream breaks or the server cuts a slow reader off — so the
 * caller sees every matching mark exactly once, in order, across reconnects.
 */
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import { errorFrom, type GraphQLErrorBody } from './graphql.ts';
import type { Mark, MarkWhere } from './types.ts';

export interface MarkStreamOptions {
  /** Resume after this seq. Default: the server's head seq at subscribe time (live marks only). */
  readonly after?: number;
  /** Selection on each touched node, e.g. `id ... on Referral { status }`. Default: `id _class`. */
  readonly nodes?: string;
  readonly signal?: AbortSignal;
  /** Backoff cap between reconnect attempts (ms). */
  readonly maxBackoffMs?: number;
}

/** An async iterable of marks that knows where it is. */
export interface MarkStream extends AsyncIterable<Mark> {
  /** The seq of the last mark delivered (or the start point): what a new subscription would pass as `after`. */
  readonly lastSeq: number;
  /** How many times the stream reconnected. */
  readonly reconnects: number;
  close(): void;
}

const CHANGE_FIELDS = 'kind change id class properties retracted type from { id class } to { id class } on { id class } markId markKind strength agent purpose token expiresAt';

export function markSubscriptionDocument(nodes = 'id _class'): string {
  return `subscription TrailgraphMarks($where: MarkWhere, $after: Int) {
  marks(where: $where, after: $after) {
    seq eventId type kind source time committedAt subject traceparent correlationid causationid
    changes { ${CHANGE_FIELDS} }
    nodes { ${nodes} }
  }
}`;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });

export interface StreamDeps {
  readonly url: string;
  readonly headers: () => Record<string, string> | Promise<Record<string, string>>;
  readonly headSeq: () => Promise<number>;
}

export function openMarkStream(deps: StreamDeps, where: MarkWhere, options: MarkStreamOptions = {}): MarkStream {
  const stop = new AbortController();
  options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  const query = markSubscriptionDocument(options.nodes);
  const maxBackoff = options.maxBackoffMs ?? 5000;
  let last = options.after ?? -1;
  let reconnects = 0;
  let sse: SseClient | undefined;

  async function* run(): AsyncGenerator<Mark> {
    if (last < 0) last = await deps.headSeq();
    sse = createSseClient({ url: deps.url, headers: deps.headers, retryAttempts: 0 });
    let attempt = 0;
    try {
      while (!stop.signal.aborted) {
        const it = sse.iterate<{ marks: Mark }>({ query, variables: { where, after: last } });
        const onAbort = (): void => void it.return?.();
        stop.signal.addEventListener('abort', onAbort, { once: true });
        try {
          for await (const result of it) {
            const errors = (result.errors ?? []) as readonly GraphQLErrorBody[];
            if (errors.length > 0) {
              // Cut off for being slow: resume from the last mark we actually delivered.
              if (errors[0]?.extensions?.code === 'SLOW_SUBSCRIBER') break;
              throw errorFrom(errors);
            }
            const mark = result.data?.marks;
            if (!mark || mark.seq <= last) continue;
            last = mark.seq;
            attempt = 0;
            yield mark;
          }
        } catch (err) {
          if (err instanceof Error && err.name === 'TrailgraphClientError') throw err;
          // Network trouble or a server restart: reconnect below.
        } finally {
          stop.signal.removeEventListener('abort', onAbort);
          await it.return?.();
        }
        if (stop.signal.aborted) break;
        reconnects++;
        await sleep(Math.min(maxBackoff, attempt === 0 ? 0 : 100 * 2 ** attempt), stop.signal);
        attempt++;
      }
    } finally {
      sse.dispose();
    }
  }

  const iterable = run();
  return {
    [Symbol.asyncIterator]: () => iterable,
    get lastSeq() {
      return last;
    },
    get reconnects() {
      return reconnects;
    },
    close() {
      stop.abort();
    },
  };
}
