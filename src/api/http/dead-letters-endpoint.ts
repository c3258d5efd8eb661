/**
 * `/dead-letters`: dead letters for operators, over HTTP — `GET /dead-letters?limit=&after=` (a page and the total),
 * `GET /dead-letters/{id}`, `POST /dead-letters/{id}/replay`. With auth on, only an operator role (one that may read
 * and publish anything) gets them: letters hold events of every type, and a replay publishes in another agent's name.
 */
import type { AccessControl } from '../../app/auth/access-control.ts';
import { replayLetter } from '../../app/publish/replay-letter.ts';
import type { Publisher } from '../../app/publish/publisher.ts';
import type { DeadLetterStore } from '../../ports/dead-letters.ts';
import { principalOf } from '../auth/authenticate.ts';
import { outcomeBody } from './events-endpoint.ts';

export interface DeadLettersEndpointOptions {
  readonly deadLetters: DeadLetterStore;
  readonly publisher: Publisher;
  readonly access?: AccessControl | undefined;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });

const problem = (status: number, code: string, message: string, headers?: Record<string, string>): Response => json(status, { error: { code, message } }, headers);

const MAX_LIMIT = 1000;

/** Answers `request` when its path is under /dead-letters; undefined for any other path. */
export async function handleDeadLetters(request: Request, url: URL, options: DeadLettersEndpointOptions): Promise<Response | undefined> {
  const m = /^\/dead-letters(?:\/([^/]+)(\/replay)?)?\/?$/.exec(url.pathname);
  if (!m) return undefined;
  const [, rawId, replay] = m;
  if (options.access) {
    const principal = await principalOf(options.access, request);
    const what = replay ? 'replay dead letters' : 'read dead letters';
    const decision = options.access.decide(principal, { kind: 'operate', what });
    if (!decision.allowed) return problem(403, 'FORBIDDEN', decision.reason);
  }
  const want = replay ? 'POST' : 'GET';
  if (request.method !== want) return problem(405, 'METHOD_NOT_ALLOWED', `${want} ${url.pathname}`, { allow: want });

  if (rawId === undefined) {
    const limitParam = url.searchParams.get('limit') ?? '100';
    const limit = Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return problem(400, 'BAD_LIMIT', `?limit must be an integer 1-${MAX_LIMIT}, got ${limitParam}`);
    const after = url.searchParams.get('after');
    const letters = await options.deadLetters.list({ limit, ...(after && { afterId: after }) });
    return json(200, { letters, total: await options.deadLetters.count() });
  }
  let id: string;
  try {
    id = decodeURIComponent(rawId);
  } catch {
    return problem(400, 'BAD_ID', `the dead-letter id in ${url.pathname} is not valid percent-encoding`);
  }
  const letter = await options.deadLetters.get(id);
  if (!letter) return problem(404, 'NOT_FOUND', `no dead letter ${id}; GET /dead-letters lists them`);
  if (!replay) return json(200, letter);
  const { ok, outcome } = await replayLetter(options.publisher, options.deadLetters, letter);
  return json(ok ? 200 : 422, { ok, outcome: outcomeBody(outcome) });
}
