/**
 * `trailgraph dlq list | show <id> | replay <id|--all>`: inspect and replay dead letters — through a running service
 * (`--url`, the service's `/dead-letters` API, held to its access policy), or directly: the NATS dead-letter stream
 * in NATS mode, the SQLite table in embedded mode. Replay re-publishes through the publisher and removes the letter
 * once the event is accepted.
 */
import type { Command } from 'commander';
import { type ConfigFlags, loadConfig } from '../../service/config.ts';
import { replayLetter } from '../../app/publish/replay-letter.ts';
import { createRuntime } from '../../service/runtime.ts';
import { ConfigError, NotFoundError } from '../../core/errors.ts';
import type { DeadLetter } from '../../ports/dead-letters.ts';
import { createProgress } from '../progress.ts';
import { bearerToken, serviceUrl } from '../remote.ts';

type DlqFlags = ConfigFlags & { url?: string; tokenFile?: string };

/** A replay's outcome as the service reports it (`outcomeBody`). */
interface ReplayOutcome {
  readonly status: string;
  readonly seq?: number | null;
  readonly error?: { readonly message: string };
}

/** Dead letters, wherever they are kept. */
interface Letters {
  list(limit: number, afterId?: string): Promise<{ letters: readonly DeadLetter[]; total: number }>;
  get(id: string): Promise<DeadLetter | undefined>;
  replay(letter: DeadLetter): Promise<{ ok: boolean; outcome: ReplayOutcome }>;
  close(): Promise<void>;
}

const withStore = (c: Command): Command =>
  c
    .option('--url <url>', 'a running service (its /dead-letters API; env TRAILGRAPH_URL / trailgraph.config.json, unless --store or --nats is given)')
    .option('--token-file <file>', 'with --url and auth on: an operator token, in a file (else env TRAILGRAPH_TOKEN)')
    .option('--ontology <dir>', 'ontology folder (env TRAILGRAPH_ONTOLOGY, default ontology/referral)')
    .option('--store <path|url>', 'SQLite file or neo4j://… (env TRAILGRAPH_STORE, default ./.trailgraph/graph.db)')
    .option('--nats <url>', 'use the NATS dead-letter stream (env TRAILGRAPH_NATS_URL)')
    .option('--nats-url <url>', 'alias of --nats');

async function openLetters(flags: DlqFlags): Promise<Letters> {
  const url = serviceUrl(flags);
  if (url !== undefined) return remoteLetters(url, bearerToken(flags));
  // Never a projector here: the CLI must not consume the event stream into its own store.
  const rt = await createRuntime({ ...loadConfig(flags), natsProject: false });
  return {
    list: async (limit, afterId) => ({ letters: await rt.deadLetters.list({ limit, ...(afterId && { afterId }) }), total: await rt.deadLetters.count() }),
    get: (id) => rt.deadLetters.get(id),
    replay: (letter) => replayLetter(rt.publisher, rt.deadLetters, letter),
    close: () => rt.close(),
  };
}

function remoteLetters(url: string, token: string | undefined): Letters {
  const call = async (method: string, path: string): Promise<{ status: number; body: unknown }> => {
    let res: Response;
    try {
      res = await fetch(`${url}${path}`, { method, headers: { accept: 'application/json', ...(token && { authorization: `Bearer ${token}` }) } });
    } catch (err) {
      throw new ConfigError('--url', `cannot reach ${url}: ${(err as Error).message}; is \`trailgraph serve\` running there?`);
    }
    const body = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
    if (res.status === 401 || res.status === 403) {
      throw new ConfigError('--token-file / TRAILGRAPH_TOKEN', `${url} refused: ${body?.error?.message ?? res.status}${res.status === 401 ? ' (give an operator token)' : ''}`);
    }
    if (res.status >= 500 || (res.status >= 400 && res.status !== 404 && res.status !== 422)) {
      throw new ConfigError('--url', `${method} ${url}${path}: ${res.status} ${body?.error?.message ?? ''}`.trim());
    }
    return { status: res.status, body };
  };
  return {
    async list(limit, afterId) {
      const q = new URLSearchParams({ limit: String(limit), ...(afterId && { after: afterId }) });
      return (await call('GET', `/dead-letters?${q.toString()}`)).body as { letters: DeadLetter[]; total: number };
    },
    async get(id) {
      const r = await call('GET', `/dead-letters/${encodeURIComponent(id)}`);
      return r.status === 404 ? undefined : (r.body as DeadLetter);
    },
    async replay(letter) {
      const r = await call('POST', `/dead-letters/${encodeURIComponent(letter.id)}/replay`);
      if (r.status === 404) throw new NotFoundError(`no dead letter ${letter.id} any more (replayed or removed meanwhile)`);
      return r.body as { ok: boolean; outcome: ReplayOutcome };
    },
    close: () => Promise.resolve(),
  };
}

async function withLetters<T>(flags: DlqFlags, fn: (letters: Letters) => Promise<T>): Promise<T> {
  const letters = await openLetters(flags);
  try {
    return await fn(letters);
  } finally {
    await letters.close();
  }
}

const line = (l: DeadLetter): string =>
  `${l.id}\t${l.reason}\t${l.eventId ?? '<no id>'}\t${l.issues[0]?.pointer ?? ''}\t${l.message.split('\n')[0] ?? ''}`;

function replayLine(letter: DeadLetter, ok: boolean, outcome: ReplayOutcome): string {
  const which = `${letter.id} (${letter.eventId ?? '<no id>'})`;
  if (!ok) return `✗ ${which} still rejected: ${outcome.error?.message ?? 'unknown'} — fix the producer or the ontology, then replay again`;
  // In embedded mode a failed replay files a new letter; the old one is removed only on success.
  return `✓ ${which} ${outcome.status}${outcome.seq !== undefined && outcome.seq !== null ? ` seq ${outcome.seq}` : ''}`;
}

async function mustGet(letters: Letters, id: string): Promise<DeadLetter> {
  const l = await letters.get(id);
  if (!l) throw new NotFoundError(`no dead letter ${id}; run \`trailgraph dlq list\` to see the ids`);
  return l;
}

export function register(program: Command): void {
  const dlq = program.command('dlq').description('Inspect and replay dead letters (invalid, conflicting or poison events).');
  withStore(dlq.command('list'))
    .description('List dead letters: id, reason, event id, JSON pointer, message.')
    .option('--limit <n>', 'at most this many', '100')
    .option('--after <id>', 'start after this letter id')
    .addHelpText('after', '\nExamples:\n  trailgraph dlq list --url http://127.0.0.1:4000   (a running service)\n  trailgraph dlq list --store ./.trailgraph/graph.db')
    .action(async (flags: DlqFlags & { limit: string; after?: string }) => {
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new ConfigError('--limit', `${flags.limit} is not a positive integer`);
      await withLetters(flags, async (letters) => {
        const page = await letters.list(limit, flags.after);
        process.stdout.write(`id\treason\tevent\tpointer\tmessage\n${page.letters.map(line).join('\n')}\n`);
        process.stdout.write(`${page.letters.length} shown, ${page.total} in total\n`);
      });
    });
  withStore(dlq.command('show').argument('<id>', 'dead-letter id'))
    .description('Show one dead letter: reason, issues with JSON pointers, origin and the payload as received.')
    .action(async (id: string, flags: DlqFlags) => {
      await withLetters(flags, async (letters) => {
        process.stdout.write(`${JSON.stringify(await mustGet(letters, id), null, 2)}\n`);
      });
    });
  withStore(dlq.command('replay').argument('[id]', 'dead-letter id'))
    .description('Re-publish dead letters through the publisher; each is removed once accepted (exit 1 if any is still rejected).')
    .option('--all', 'replay every dead letter')
    .action(async (id: string | undefined, flags: DlqFlags & { all?: boolean }) => {
      if (!id && !flags.all) throw new NotFoundError('give a dead-letter id or --all (see `trailgraph dlq list`)');
      await withLetters(flags, async (letters) => {
        if (id) {
          const letter = await mustGet(letters, id);
          const { ok, outcome } = await letters.replay(letter);
          process.stdout.write(`${replayLine(letter, ok, outcome)}\n`);
          if (!ok) process.exitCode = 1;
          return;
        }
        // Snapshot first: a replay that fails again in embedded mode files a new letter, which must not loop.
        const all: DeadLetter[] = [];
        for (let afterId: string | undefined; ; ) {
          const page = await letters.list(500, afterId);
          if (page.letters.length === 0) break;
          all.push(...page.letters);
          afterId = page.letters[page.letters.length - 1]?.id;
        }
        const bar = createProgress('dlq replay');
        bar.step('dead letters', all.length);
        let failed = 0;
        let done = 0;
        for (const letter of all) {
          const { ok, outcome } = await letters.replay(letter);
          if (!ok) {
            failed++;
            process.stderr.write(`\n${replayLine(letter, ok, outcome)}\n`);
          }
          bar.update(++done);
        }
        bar.finish();
        bar.stop();
        process.stdout.write(`${all.length - failed} replayed, ${failed} still rejected\n`);
        if (failed > 0) process.exitCode = 1;
      });
    });
}
