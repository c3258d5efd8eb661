/**
 * The ingest benchmark's publisher, as its own process (agents are other processes; in the bench's process it
 * would steal CPU from the projector it measures):
 *
 *   node --import tsx bench/support/ingest-publisher.ts <natsUrl> <raw|bus> <stream> <events> <round> <window> [rate]
 *
 * Publishes `events` ReferralRequested CloudEvents (each with a nested new Patient) with `Nats-Msg-Id` = event id,
 * `window` awaiting their ack at a time, paced to `rate` events/s when given (0 = as fast as acks come back). Each event's `time` (and, raw, the `Tg-Sent` header) is the wall-clock
 * publish moment, so the consumer side computes the end-to-end delay. Prints `start <epoch ms>` then `done`.
 */
import { jetstream } from '@nats-io/jetstream';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { createJetStreamBus, natsServers } from '../../src/adapters/nats/jetstream-bus.ts';

const [url, mode, stream, eventsArg, roundArg, windowArg, rateArg] = process.argv.slice(2);
if (!url || (mode !== 'raw' && mode !== 'bus') || !stream) throw new Error('usage: ingest-publisher.ts <natsUrl> <raw|bus> <stream> <events> <round> <window>');
const total = Number(eventsArg);
const round = Number(roundArg);
const window = Number(windowArg);
const rate = Number(rateArg ?? 0);
const PRIORITIES = ['routine', 'urgent', 'emergency'] as const;

function event(i: number, sent: number): { id: string; subject: string; aggregate: string; payload: string } {
  const id = `ing-${round}-${i}`;
  const r = `r-${round}-${i}`;
  const payload = JSON.stringify({
    specversion: '1.0', id, source: 'agent://bench', type: 'ReferralRequested', subject: `Referral/${r}`, time: new Date(sent).toISOString(),
    data: { '@type': 'Referral', id: r, reason: `Reason ${i % 97}`, priority: PRIORITIES[i % 3], forPatient: { '@type': 'Patient', id: `p-${round}-${i}`, name: `Patient ${i}` } },
  });
  return { id, subject: `Referral/${r}`, aggregate: r, payload };
}

let publish: (i: number) => Promise<unknown>;
let close: () => Promise<void>;
if (mode === 'raw') {
  const nc = await connect({ servers: natsServers(url), name: 'bench-raw-publisher' });
  const js = jetstream(nc);
  publish = (i) => {
    const sent = Date.now();
    const e = event(i, sent);
    const h = natsHeaders();
    h.set('Tg-Sent', String(sent));
    return js.publish(`${stream.toLowerCase()}.referral.ReferralRequested.${e.aggregate}`, e.payload, { msgID: e.id, headers: h });
  };
  close = () => nc.drain();
} else {
  const bus = await createJetStreamBus({ url, stream, domain: 'clinic', name: 'bench-publisher' });
  publish = (i) => {
    const e = event(i, Date.now());
    return bus.publish({ type: 'ReferralRequested', subject: e.subject }, e.payload, { msgId: e.id });
  };
  close = () => bus.close();
}

const t0 = Date.now();
process.stdout.write(`start ${t0}\n`);
let next = 0;
await Promise.all(Array.from({ length: window }, async () => {
  while (next < total) {
    const i = next++;
    const due = rate > 0 ? t0 + (i * 1000) / rate - Date.now() : 0;
    if (due > 0) await new Promise((r) => setTimeout(r, due));
    await publish(i);
  }
}));
await close();
process.stdout.write('done\n');
