/** GraphQL over HTTP for the client: one POST, typed errors. */

/** A GraphQL error as the server formats it (`extensions.code` is one of the documented codes). */
export interface GraphQLErrorBody {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** The server answered with errors (or not at all). `code` is the first error's code, e.g. INVALID_EVENT. */
export class TrailgraphClientError extends Error {
  readonly code: string;
  readonly errors: readonly GraphQLErrorBody[];
  /** HTTP status when the server answered with a non-GraphQL response. */
  readonly status?: number;
  constructor(message: string, options: { code: string; errors?: readonly GraphQLErrorBody[]; status?: number; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TrailgraphClientError';
    this.code = options.code;
    this.errors = options.errors ?? [];
    if (options.status !== undefined) this.status = options.status;
  }
  /** Extension fields of the first error (eventId, pointer, issues, resumeAfterSeq, …). */
  get details(): Readonly<Record<string, unknown>> {
    return this.errors[0]?.extensions ?? {};
  }
}

export function errorFrom(errors: readonly GraphQLErrorBody[]): TrailgraphClientError {
  const first = errors[0];
  const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : 'GRAPHQL_ERROR';
  return new TrailgraphClientError(first?.message ?? 'GraphQL error', { code, errors });
}

export interface HttpOptions {
  readonly url: string;
  /** Called per request, so a token function can hand out a fresh token each time. */
  readonly headers: () => Record<string, string> | Promise<Record<string, string>>;
  readonly fetch: typeof fetch;
}

/** POSTs one operation and returns `data`, or throws TrailgraphClientError. */
export async function postGraphql<T>(http: HttpOptions, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  let res: Response;
  const headers = await http.headers();
  try {
    res = await http.fetch(http.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
  } catch (err) {
    throw new TrailgraphClientError(`cannot reach trailgraph at ${http.url}: ${(err as Error).message}`, { code: 'NETWORK_ERROR', cause: err });
  }
  const text = await res.text();
  let body: { data?: T | null; errors?: GraphQLErrorBody[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new TrailgraphClientError(`trailgraph answered ${res.status} with a non-JSON body: ${text.slice(0, 200)}`, { code: 'HTTP_ERROR', status: res.status });
  }
  if (body.errors?.length) throw errorFrom(body.errors);
  if (body.data === undefined || body.data === null) throw new TrailgraphClientError(`trailgraph answered ${res.status} without data`, { code: 'HTTP_ERROR', status: res.status });
  return body.data;
}
