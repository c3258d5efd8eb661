/**
 * The marks benchmark's load generator as its own process, so its CPU is not the subscribers' CPU (agents are
 * other processes anyway). Publishes PatientRegistered CloudEvents straight to JetStream — as any CloudEvents
 * producer on the bus would — paced open-loop by marks-pace.ts, with `Nats-Msg-Id` = event id.
 *
 *   node --import tsx bench/support/marks-publisher.ts <natsUrl> <rate> <total> <window> <run>
 *
 * Prints one JSON line: per-event hand-over times (epoch ms, sub-ms), hand-over → JetStream ack, lag behind
 * schedule, start/end.
 */
import { createJetStreamBus } from '../../src/adapters/nats/jetstream-bus.ts';
import { patientRegistered, warmupCount } from './marks-events.ts';
import { pace } from './marks-pace.ts';

const [url, rateArg, totalArg, windowArg, run] = process.argv.slice(2);
if (!url || !run) throw new Error('usage: marks-publisher.ts <natsUrl> <rate> <total> <window> <run>');
const bus = await createJetStreamBus({ url, domain: 'referral', name: 'bench-marks-publisher' });
const rate = Number(rateArg);
const window = Number(windowArg);

async function phase(runId: string, total: number) {
  const events = Array.from({ length: total }, (_, i) => {
    const e = patientRegistered(runId, i);
    return { ...e, text: JSON.stringify(e.payload) };
  });
  return pace({
    rate,
    total,
    window,
    // One batch = several publishes issued in the same tick: nats.js writes them to the socket together.
    publish: async (from, to) => {
      const acks: Promise<unknown>[] = [];
      for (let i = from; i < to; i++) {
        const e = events[i]!;
        acks.push(bus.publish({ type: 'PatientRegistered', subject: e.subject }, e.text, { msgId: e.id }));
      }
      await Promise.all(acks);
    },
  });
}

await phase(`w${run}`, warmupCount(rate));
await new Promise((r) => setTimeout(r, 500)); // let the replicas drain the warm-up
const r = await phase(run, Number(totalArg));
await bus.close();
process.stdout.write(
  JSON.stringify({ sent: [...r.sent], outcomeMs: [...r.outcomeMs], lagMs: [...r.lagMs], startedAt: r.startedAt, endedAt: r.endedAt, maxBatch: r.maxBatch }) + '\n',
);
