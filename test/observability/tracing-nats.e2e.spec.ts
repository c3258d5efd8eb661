/**
 * Tracing in bus mode, across processes through a real nats-server: an edge replica (`--projector 0`) takes the
 * HTTP publish, validates it and sends it to JetStream with the publish span's `traceparent` in the message
 * header; the projector replica (another process, same store) applies the batch in a span linked to — and, for a
 * batch of that one event, a child of — the edge's publish span. Both export OTLP/HTTP JSON to a receiver here.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startNatsServer, type NatsServer } from '../support/nats-server.ts';
import { type ReceivedSpan, SpanKindCode, startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.ts';
import { startServe, type ServeProcess } from '../support/serve-process.ts';
import { patient, referral } from './support.ts';

function env(receiver: OtlpReceiver, serviceName: string): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OTEL_') && !k.startsWith('TRAILGRAPH_')) clean[k] = v;
  return {
    ...clean, OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_SERVICE_NAME: serviceName,
  };
}

/** POSTs one event and waits (up to 30 s) until the projector has committed it: 201 then, 202 on time-out. */
async function post(url: string, event: Record<string, unknown>, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`${url}/events?wait=30000`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json', ...headers }, body: JSON.stringify(event) });
  await res.arrayBuffer();
  return res.status;
}

const one = (spans: readonly ReceivedSpan[], what: string, pick: (s: ReceivedSpan) => boolean): ReceivedSpan => {
  const found = spans.filter(pick);
  assert.equal(found.length, 1, `expected exactly one ${what}; got ${found.length} among: ${spans.map((s) => `${s.service}:${s.name}`).join(', ')}`);
  return found[0] as ReceivedSpan;
};

void describe('OpenTelemetry tracing in bus mode (NATS headers, projector in another process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-tracing-nats-'));
  let receiver: OtlpReceiver;
  let nats: NatsServer;
  before(async () => {
    receiver = await startOtlpReceiver();
    nats = await startNatsServer({ jetstream: true });
  });
  after(async () => {
    await nats?.stop();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  void it('the edge publish span travels in the NATS header to the projector process batch span', async () => {
    const store = join(dir, 'graph.db');
    let projector: ServeProcess | undefined = await startServe(['--nats', nats.url, '--store', store, '--projector', '1'], { env: env(receiver, 'tg-projector') });
    let edge: ServeProcess | undefined;
    try {
      edge = await startServe(['--nats', nats.url, '--store', store, '--projector', '0'], { env: env(receiver, 'tg-edge') });
      assert.equal(await post(edge.url, patient('p-nats')), 201, 'the edge waits until the projector has committed');
      const traceId = randomBytes(16).toString('hex');
      const caller = randomBytes(8).toString('hex');
      const root = referral('r-nats', 'p-nats');
      assert.equal(await post(edge.url, root, { traceparent: `00-${traceId}-${caller}-01` }), 201);
      assert.equal(await edge.stop(), 0, edge.output());
      edge = undefined;
      assert.equal(await projector.stop(), 0, projector.output());
      projector = undefined;

      await receiver.waitFor((spans) => spans.some((s) => s.name === 'process tg.events' && s.links.some((l) => l.traceId === traceId)), 30_000, 'the batch span linked to the trace');
      const spans = receiver.spans;
      const http = one(spans, 'HTTP span at the edge', (s) => s.traceId === traceId && s.name === 'POST /events');
      assert.equal(http.service, 'tg-edge');
      assert.equal(http.parentSpanId, caller);
      const publish = one(spans, 'publish span at the edge', (s) => s.traceId === traceId && s.name === 'publish tg.events');
      assert.equal(publish.service, 'tg-edge');
      assert.equal(publish.kind, SpanKindCode.PRODUCER);
      assert.equal(publish.parentSpanId, http.spanId);
      assert.equal(publish.attributes['messaging.system'], 'nats');
      const validate = one(spans, 'validation at the edge', (s) => s.traceId === traceId && s.name === 'validate' && s.service === 'tg-edge');
      assert.equal(validate.parentSpanId, publish.spanId, 'the edge validates inside the publish span');

      // Only the NATS message joins the two processes: the link can only have come from its header.
      const batch = one(spans, 'batch span linked to the publish', (s) => s.name === 'process tg.events' && s.links.some((l) => l.traceId === traceId && l.spanId === publish.spanId));
      assert.equal(batch.service, 'tg-projector');
      assert.equal(batch.kind, SpanKindCode.CONSUMER);
      assert.equal(batch.attributes['messaging.system'], 'nats');
      assert.match(String(batch.attributes['messaging.consumer.group.name']), /^nats:/);
      if (batch.attributes['messaging.batch.message_count'] === 1) {
        assert.equal(batch.traceId, traceId, 'a batch of that one event continues its trace');
        assert.equal(batch.parentSpanId, publish.spanId);
      }
      const commit = one(spans, 'commit of that batch', (s) => s.name === 'commit' && s.parentSpanId === batch.spanId);
      assert.equal(commit.service, 'tg-projector');
      assert.equal(commit.attributes['db.system.name'], 'sqlite');
    } finally {
      await edge?.stop();
      await projector?.stop();
    }
  });
});
