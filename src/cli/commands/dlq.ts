/**
 * `trailgraph dlq list | show <id> | replay <id|--all>`: inspect and replay dead letters (the NATS dead-letter
 * stream in NATS mode, the SQLite table in embedded mode). Replay re-publishes through the publisher and removes
 * the letter once the event is accepted.
 */
import type { Command } from 'commander';
import { type ConfigFlags, loadConfig } from '../../service/config.ts';
import { REPLAY_HEADER } from '../../app/publish/nats-publisher.ts';
import { createRuntime, type Runtime } from '../../service/runtime.ts';
import { NotFoundError } from '../../core/errors.ts';
import type { DeadLetter } from '../../ports/dead-letters.ts';
import { createProgress } from '../progress.ts';

const withStore = (c: Command): Command =>
  c
    .option('--ontology <dir>', 'ontology folder (env TRAILGRAPH_ONTOLOGY, default ontology/referral)')
    .option('--store <path|url>', 'SQLite file or neo4j://… (env TRAILGRAPH_STORE, default ./.trailgraph/graph.db)')
    .option('--nats <url>', 'use the NATS dead-letter stream (env TRAILGRAPH_NATS_URL)')
    .option('--nats-url <url>', 'alias of --nats');

async function withRuntime<T>(flags: ConfigFlags, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  // Never a projector here: the CLI must not consume the event stream into its own store.
  const rt = await createRuntime({ ...loadConfig(flags), natsProject: false });
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

const line = (l: DeadLetter): string =>
  `${l.id}\t${l.reason}\t${l.eventId ?? '<no id>'}\t${l.issues[0]?.pointer ?? ''}\t${l.message.split('\n')[0] ?? ''}`;

/** One replay: `ok` false when the event is still rejected (the command then exits non-zero). */
async function replayOne(rt: Runtime, letter: DeadLetter): Promise<{ ok: boolean; line: string }> {
  const [outcome] = await rt.publisher.publish([{ payload: letter.payload, headers: { [REPLAY_HEADER]: letter.id } }], { waitMs: 5000 });
  if (!outcome || outcome.status === 'rejected') {
    const line = `✗ ${letter.id} (${letter.eventId ?? '<no id>'}) still rejected: ${outcome?.error?.message ?? 'unknown'} — fix the producer or the ontology, then replay again`;
    return { ok: false, line };
  }
  await rt.deadLetters.remove(letter.id);
  // In embedded mode a failed replay files a new letter; the old one is removed only on success.
  return { ok: true, line: `✓ ${letter.id} (${letter.eventId ?? '<no id>'}) ${outcome.status}${outcome.seq !== undefined ? ` seq ${outcome.seq}` : ''}` };
}

export function register(program: Command): void {
  const dlq = program.command('dlq').description('Inspect and replay dead letters (invalid, conflicting or poison events).');
  withStore(dlq.command('list'))
    .description('List dead letters: id, reason, event id, JSON pointer, message.')
    .option('--limit <n>', 'at most this many', '100')
    .option('--after <id>', 'start after this letter id')
    .action(async (flags: ConfigFlags & { limit: string; after?: string }) => {
      await withRuntime(flags, async (rt) => {
        const letters = await rt.deadLetters.list({ limit: Number(flags.limit), ...(flags.after && { afterId: flags.after }) });
        process.stdout.write(`id\treason\tevent\tpointer\tmessage\n${letters.map(line).join('\n')}\n`);
        process.stdout.write(`${letters.length} shown, ${await rt.deadLetters.count()} in total\n`);
      });
    });
  withStore(dlq.command('show').argument('<id>', 'dead-letter id'))
    .description('Show one dead letter: reason, issues with JSON pointers, origin and the payload as received.')
    .action(async (id: string, flags: ConfigFlags) => {
      await withRuntime(flags, async (rt) => {
        const l = await rt.deadLetters.get(id);
        if (!l) throw new NotFoundError(`no dead letter ${id}; run \`trailgraph dlq list\` to see the ids`);
        process.stdout.write(`${JSON.stringify(l, null, 2)}\n`);
      });
    });
  withStore(dlq.command('replay').argument('[id]', 'dead-letter id'))
    .description('Re-publish dead letters through the publisher; each is removed once accepted.')
    .option('--all', 'replay every dead letter')
    .action(async (id: string | undefined, flags: ConfigFlags & { all?: boolean }) => {
      if (!id && !flags.all) throw new NotFoundError('give a dead-letter id or --all (see `trailgraph dlq list`)');
      await withRuntime(flags, async (rt) => {
        if (id) {
          const l = await rt.deadLetters.get(id);
          if (!l) throw new NotFoundError(`no dead letter ${id}; run \`trailgraph dlq list\` to see the ids`);
          const result = await replayOne(rt, l);
          process.stdout.write(`${result.line}\n`);
          if (!result.ok) process.exitCode = 1;
          return;
        }
        // Snapshot first: a replay that fails again in embedded mode files a new letter, which must not loop.
        const letters: DeadLetter[] = [];
        for (let afterId: string | undefined; ; ) {
          const page = await rt.deadLetters.list({ limit: 500, ...(afterId && { afterId }) });
          if (page.length === 0) break;
          letters.push(...page);
          afterId = page[page.length - 1]?.id;
        }
        const total = letters.length;
        const bar = createProgress('dlq replay');
        bar.step('dead letters', total);
        let failed = 0;
        let done = 0;
        for (const l of letters) {
          const result = await replayOne(rt, l);
          if (!result.ok) {
            failed++;
            process.stderr.write(`\n${result.line}\n`);
          }
          bar.update(++done);
        }
        bar.finish();
        bar.stop();
        process.stdout.write(`${total - failed} replayed, ${failed} still rejected\n`);
        if (failed > 0) process.exitCode = 1;
      });
    });
}
