/**
 * `POST /graphql` with a JSON body, answered on node:http without the Fetch-API round trip. Mounted as the
 * node listener in front of the API (yoga): whatwg-node's adapter turns every node request into a ponyfilled
 * Request whose body is a stream over the socket, and every answer into a Response written back through
 * sendNodeResponse — about 40% of the CPU of a small query (measured: a minimal yoga spent ~100 µs of user CPU
 * on `{ __typename }`, this path ~55). Here the body is read once from the socket, and the query runs through
 * yoga's own stages: every plugin's onRequest hook (authentication, the trailgraph routes, CORS preflight),
 * `getResultForParams` (onParams hooks such as persisted operations, then the envelop pipeline: parse and
 * validation caches, armor limits, no-introspection, masking, metrics, jit) and yoga's result processor for any
 * answer carrying errors or extensions; a plain `{ data }` answer is written with one `res.end`.
 *
 * Whatever this path does not own goes to yoga unchanged: other methods and paths, other content types
 * (multipart, GraphQL strings, forms), a chunked or oversized body, cross-origin requests (CORS answer headers),
 * Accept headers asking for anything but JSON (SSE, multipart). When yoga's answer may differ from what this path
 * would write — a hook ending the request early, a body that is not one JSON object (batches, bad JSON), a failure
 * before execution, a streamed (subscription) result — the buffered body is handed to yoga's node listener
 * (whatwg-node reads `req.body` when it is set), which answers exactly as it would have.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { isAsyncIterable, processRegularResult, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { ExecutionResult } from 'graphql';
import type { ApiContext } from '../context.ts';

/** Hooks this path does not run; an API whose extra plugins use them is served by yoga alone. */
const UNOWNED_HOOKS = ['onRequestParse', 'onResultProcess', 'onResponse', 'onExecutionResult', 'instrumentation'] as const;

const JSON_CONTENT_TYPE = /^application\/json\s*(;\s*charset=utf-8\s*)?$/i;
const CONTENT_LENGTH = /^\d+$/;

type JsonType = 'application/json' | 'application/graphql-response+json';
type Yoga = YogaServerInstance<Record<string, unknown>, ApiContext>;
type OnRequest = NonNullable<Plugin['onRequest']>;
type ServerContext = { req: IncomingMessage; res: ServerResponse; waitUntil: (p: Promise<unknown> | void) => void };

export interface GraphqlNodePathOptions {
  /** The GraphQL body limit (useBodyLimit's): a larger Content-Length is yoga's to refuse. */
  readonly maxBodyBytes: number;
  /** Plugins added on top of the API's own (createApi's `plugins`): checked for hooks this path would skip. */
  readonly extraPlugins: readonly Plugin[];
  /** Where a failure of this path is logged (default: stderr). */
  readonly log?: (line: string) => void;
}

/**
 * The media type yoga's regular result processor answers with for this Accept header, or undefined when the
 * header names anything else (yoga may then pick SSE or multipart). Same order rule as yoga's
 * useResultProcessors: the last match wins, request types taken from the end of the header.
 */
export function acceptedJsonType(accept: string | undefined): JsonType | undefined {
  if (accept === undefined || accept === '' || accept === '*/*' || accept === 'application/json') return 'application/json';
  if (accept === 'application/graphql-response+json') return accept;
  let chosen: JsonType | undefined;
  for (const part of accept.replace(/\s/g, '').toLowerCase().split(',').reverse()) {
    const [type, ...params] = part.split(';');
    const charset = params.find((p) => p.includes('charset='));
    if (charset !== undefined && charset !== 'charset=utf-8') continue; // yoga skips it
    if (type === '*/*' || type === 'application/*' || type === 'application/json') chosen = 'application/json';
    else if (type === 'application/graphql-response+json') chosen = type;
    else return undefined;
  }
  return chosen;
}

/** The media type to answer with when the request is one this path answers (before its body is read), else undefined. */
function owned(req: IncomingMessage, maxBodyBytes: number): JsonType | undefined {
  if (req.method !== 'POST' || req.url !== '/graphql') return undefined;
  const h = req.headers;
  if (h.origin !== undefined || h['transfer-encoding'] !== undefined) return undefined;
  const type = h['content-type'];
  const length = h['content-length'];
  if (type === undefined || !JSON_CONTENT_TYPE.test(type) || length === undefined || !CONTENT_LENGTH.test(length)) return undefined;
  // An empty body is yoga's to refuse (and whatwg-node would not take an empty `req.body` for a replay).
  const bytes = Number(length);
  return bytes > 0 && bytes <= maxBodyBytes ? acceptedJsonType(h.accept) : undefined;
}

/** The client closed the connection before its request was read: nobody is left to answer. */
class ClientGoneError extends Error {
  constructor() {
    super('the client closed the connection before sending the whole request body');
    this.name = 'ClientGoneError';
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new ClientGoneError());
    });
  });
}

const isPlainParams = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A node listener that answers `POST /graphql` JSON requests itself and hands the rest to `yoga`. */
export function createGraphqlNodeListener(yoga: Yoga, options: GraphqlNodePathOptions): RequestListener {
  if (options.extraPlugins.some((p) => UNOWNED_HOOKS.some((hook) => p[hook] !== undefined))) return yoga;
  // Read once: every property of yoga's server adapter (a Proxy) is a freshly bound function on each access.
  // `plugins` is yoga's final list (its own, then createApi's, in order), the list whatwg-node takes its hooks from.
  const onRequestHooks: OnRequest[] = yoga['plugins'].flatMap((p) => (p?.onRequest ? [p.onRequest as OnRequest] : []));
  const { fetchAPI, handle, waitUntil } = yoga;
  const getResultForParams = yoga.getResultForParams;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  /** yoga answers, from the body already read. */
  const replay = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    (req as IncomingMessage & { body?: Buffer }).body = body;
    void yoga(req, res);
  };

  /** Runs every onRequest hook as whatwg-node would; false when one of them takes the request over. */
  const requestHooksPass = async (request: Request, serverContext: ServerContext): Promise<boolean> => {
    if (onRequestHooks.length === 0) return true;
    const url = new fetchAPI.URL(request.url);
    let takenOver = false;
    const payload = {
      request,
      url,
      serverContext,
      fetchAPI,
      requestHandler: handle,
      setRequest: () => void (takenOver = true),
      setRequestHandler: () => void (takenOver = true),
      endResponse: (response: Response | undefined) => void (takenOver ||= response !== undefined),
    };
    for (const hook of onRequestHooks) {
      await hook(payload as unknown as Parameters<OnRequest>[0]);
      if (takenOver) return false;
    }
    return true;
  };

  const answer = async (req: IncomingMessage, res: ServerResponse, accepted: JsonType): Promise<void> => {
    const body = await readBody(req);
    const request = new fetchAPI.Request(`http://${req.headers.host ?? 'localhost'}/graphql`, { method: 'POST', headers: req.headers as Record<string, string>, body: body as Uint8Array<ArrayBuffer> });
    const serverContext: ServerContext = { req, res, waitUntil: (p) => waitUntil(p as Promise<void>) };
    // A hook that takes the request over or throws: yoga runs the hooks again and answers as it always does.
    if (!(await requestHooksPass(request, serverContext).catch(() => false))) return replay(req, res, body);
    let params: unknown;
    try {
      params = JSON.parse(body.toString('utf8'));
    } catch {
      return replay(req, res, body);
    }
    if (!isPlainParams(params)) return replay(req, res, body);
    let result: ExecutionResult | AsyncIterable<ExecutionResult> | undefined;
    try {
      result = await getResultForParams({ params, request }, serverContext);
    } catch {
      // An onParams hook refused the request (persisted-only mode, malformed parameters) before anything ran:
      // yoga's error handling and masking shape that answer.
      return replay(req, res, body);
    }
    if (result === undefined || isAsyncIterable(result)) {
      if (result) await result[Symbol.asyncIterator]().return?.();
      return replay(req, res, body);
    }
    if (res.destroyed || res.writableEnded) return;
    if (result.errors === undefined && result.extensions === undefined) {
      const stringify = (result as { stringify?: (r: unknown) => string }).stringify ?? JSON.stringify;
      const text = stringify(result);
      res.writeHead(200, { 'content-type': `${accepted}; charset=utf-8`, 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    // Errors and extensions: yoga's processor decides the status (extensions.http, the Accept type) and strips internals.
    const response = processRegularResult(result, fetchAPI, accepted);
    const headers: Record<string, string | string[]> = {};
    response.headers.forEach((value, key) => {
      headers[key] = key === 'set-cookie' ? response.headers.getSetCookie() : value;
    });
    const text = await response.text();
    headers['content-length'] = String(Buffer.byteLength(text));
    res.writeHead(response.status, headers);
    res.end(text);
  };

  return (req, res) => {
    const accepted = owned(req, options.maxBodyBytes);
    if (accepted === undefined) {
      void yoga(req, res);
      return;
    }
    answer(req, res, accepted).catch((err: unknown) => {
      if (err instanceof ClientGoneError || res.destroyed) return;
      log(`POST /graphql failed on the node path: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (res.headersSent) res.destroy();
      else {
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ errors: [{ message: 'Unexpected error.' }] }));
      }
    });
  };
}

/** The node listener `createApi` built for each API, keyed by the API (yoga's adapter, a Proxy, takes no new fields). */
const listeners = new WeakMap<object, RequestListener>();

/** Remembers the node listener built for `api` (createApi does this). */
export function registerNodeListener(api: object, listener: RequestListener): void {
  listeners.set(api, listener);
}

/** The node listener to mount for `api` (node-server.ts): the registered one, else yoga's own. */
export function nodeListenerOf(api: Yoga): RequestListener {
  return listeners.get(api) ?? api;
}
