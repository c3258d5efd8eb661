/**
 * Distributed tracing across processes: `trailgraph serve` and an agent process, both exporting OTLP/HTTP to a
 * real receiver in this test. One trace runs from the caller's HTTP request through the publish, the batch that
 * committed it (linked), the mark's delivery to the agent, the agent's reaction, and the reaction's own publish
 * and commit. Without OTEL_* settings nothing is exported and the SDK packages are never even loaded.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createClient, type Mark } from '../../src/client/index.ts';
import { startServe, type ServeProcess } from '../support/serve-process.ts';
import { type ReceivedSpan, SpanKindCode, startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.ts';
import { patient, referral } from './support.ts';

const RECORD = pathToFileURL(join(import.meta.dirname, '../support/record-imports.mjs')).href;

/** The caller's environment without any OTEL_* (a developer's own settings must not leak into the children). */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OTEL_') && k !== 'NODE_OPTIONS') env[k] = v;
  return { ...env, TRAILGRAPH_STORE: '', TRAILGRAPH_NATS_URL: '', TRAILGRAPH_METRICS: '', ...extra };
}

function otelEnv(receiver: OtlpReceiver, serviceName?: string): Record<string, string> {
  return {
    OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '100', ...(serviceName && { OTEL_SERVICE_NAME: serviceName }),
  };
}

async function post(url: string, event: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; body: { seq?: number } }> {
  const res = await fetch(`${url}/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json', ...headers }, body: JSON.stringify(event) });
  return { status: res.status, body: (await res.json()) as { seq?: number } };
}

/** Starts the reacting agent; resolves once it has subscribed. */
async function startAgent(url: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; done: Promise<{ code: number | null; out: string }> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/reacting-agent.ts', url], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const done = new Promise<{ code: number | null; out: string }>((resolve) => child.once('exit', (code) => {
    clearTimeout(timer);
    resolve({ code, out });
  }));
  for (const deadline = Date.now() + 60_000; !out.includes('"subscribed":true'); ) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`agent did not subscribe:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // The SSE subscription is open on the server once the first request went out; give it a moment to attach.
  await new Promise((r) => setTimeout(r, 300));
  return { child, done };
}

const one = (spans: readonly ReceivedSpan[], what: string, pick: (s: ReceivedSpan) => boolean): ReceivedSpan => {
  const found = spans.filter(pick);
  assert.equal(found.length, 1, `expected exactly one ${what}; got ${found.length} among: ${spans.map((s) => `${s.service}:${s.name}`).join(', ')}`);
  return found[0] as ReceivedSpan;
};

void describe('OpenTelemetry tracing across processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-tracing-'));
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  void it('one trace: HTTP publish → batch (linked) → commit → mark delivery → agent reaction → its publish and commit', async () => {
    const imports = join(dir, 'imports-on.txt');
    let serve: ServeProcess | undefined = await startServe(['--store', join(dir, 'on.db')], {
      env: cleanEnv({ ...otelEnv(receiver, 'trailgraph-test'), NODE_OPTIONS: `--import ${RECORD}`, TG_RECORD_IMPORTS: imports }),
    });
    try {
      const agent = await startAgent(serve.url, cleanEnv(otelEnv(receiver)));
      assert.equal((await post(serve.url, patient('p-tr'))).status, 201);
      const traceId = randomBytes(16).toString('hex');
      const callerSpan = randomBytes(8).toString('hex');
      const root = referral('r-tr', 'p-tr');
      const published = await post(serve.url, root, { traceparent: `00-${traceId}-${callerSpan}-01` });
      assert.equal(published.status, 201);
      const { code, out } = await agent.done;
      assert.equal(code, 0, out);
      const reacted = JSON.parse(out.split('\n').find((l) => l.includes('"reacted"')) ?? 'null') as { reacted: string; to: string; markTraceparent: string | null; seq: number } | null;
      assert.ok(reacted, out);
      assert.equal(reacted.to, root.id);
      assert.ok(reacted.seq > (published.body.seq ?? 0));
      assert.equal(await serve.stop(), 0, serve.output());
      serve = undefined;

      // Everything was exported by the time each process stopped (each flushes on a graceful stop).
      await receiver.waitFor((spans) => spans.filter((s) => s.traceId === traceId && s.name === 'process tg.events').length + spans.filter((s) => s.name === 'process tg.events' && s.links.some((l) => l.traceId === traceId)).length >= 2, 30_000, 'both batch spans');
      const spans = receiver.spans;
      const inTrace = spans.filter((s) => s.traceId === traceId);

      const http = one(inTrace, 'HTTP server span of the publish', (s) => s.name === 'POST /events');
      assert.equal(http.kind, SpanKindCode.SERVER);
      assert.equal(http.parentSpanId, callerSpan, 'the request continues the caller trace');
      assert.equal(http.attributes['http.response.status_code'], 201);
      assert.equal(http.service, 'trailgraph-test', 'OTEL_SERVICE_NAME names the service');

      const publish = one(inTrace, 'publish span of the referral', (s) => s.name === 'publish tg.events' && s.attributes['cloudevents.event_id'] === root.id);
      assert.equal(publish.kind, SpanKindCode.PRODUCER);
      assert.equal(publish.parentSpanId, http.spanId);
      assert.equal(publish.attributes['messaging.operation.type'], 'send');
      assert.equal(publish.attributes['cloudevents.event_type'], 'ReferralRequested');
      assert.equal(publish.attributes['trailgraph.outcome'], 'applied');

      // The batch that committed it links to the publish (and, holding that one event alone, is its child).
      const batch = one(spans, 'batch span linked to the referral', (s) => s.name === 'process tg.events' && s.links.some((l) => l.traceId === traceId && l.spanId === publish.spanId));
      assert.equal(batch.kind, SpanKindCode.CONSUMER);
      assert.equal(batch.attributes['messaging.operation.type'], 'process');
      assert.equal(batch.attributes['messaging.batch.message_count'], 1);
      const commit = one(spans, 'commit span of that batch', (s) => s.name === 'commit' && s.parentSpanId === batch.spanId);
      assert.equal(commit.attributes['db.system.name'], 'sqlite');
      one(spans, 'validate span of that batch', (s) => s.name === 'validate' && s.parentSpanId === batch.spanId);
      assert.ok(commit.endNs <= batch.endNs);

      // The mark went to the agent in a delivery span under the publish; the agent got that span's traceparent.
      const deliver = one(inTrace, 'delivery of the referral mark', (s) => s.name === 'send tg.marks' && s.attributes['cloudevents.event_id'] === root.id);
      assert.equal(deliver.kind, SpanKindCode.PRODUCER);
      assert.equal(deliver.parentSpanId, publish.spanId);
      assert.equal(deliver.attributes['trailgraph.transport'], 'sse');
      assert.equal(reacted.markTraceparent, `00-${traceId}-${deliver.spanId}-01`);

      // In the agent's process: its handling of the mark, exported under its own service name.
      const react = one(inTrace, 'the agent reaction span', (s) => s.name === 'process tg.marks');
      assert.equal(react.service, 'agent-insurance');
      assert.equal(react.kind, SpanKindCode.CONSUMER);
      assert.equal(react.parentSpanId, deliver.spanId);

      // Back in the service: the reaction's publish, and the batch that committed it.
      const reaction = one(inTrace, 'publish span of the reaction', (s) => s.name === 'publish tg.events' && s.attributes['cloudevents.event_id'] === reacted.reacted);
      assert.equal(reaction.service, 'trailgraph-test');
      assert.equal(reaction.parentSpanId, react.spanId, 'the reaction event carried the agent span as its traceparent');
      assert.equal(reaction.attributes['trailgraph.causation_id'], root.id);
      assert.equal(reaction.attributes['trailgraph.correlation_id'], root.id);
      one(spans, 'batch span linked to the reaction', (s) => s.name === 'process tg.events' && s.links.some((l) => l.spanId === reaction.spanId));

      const loaded = readFileSync(imports, 'utf8');
      assert.match(loaded, /@opentelemetry\/sdk-trace-node/, 'the control: the import recorder sees the SDK when it is loaded');
      assert.match(loaded, /@opentelemetry\/exporter-trace-otlp-http/);
      assert.doesNotMatch(loaded, /exporter-trace-otlp-proto/, 'only the exporter of the configured protocol is loaded');
    } finally {
      await serve?.stop();
    }
  });

  void it('without OTEL_* settings nothing is exported, the SDK is never loaded, and events are recorded as sent', async () => {
    const before = receiver.spans.length;
    const requests = receiver.requests.json + receiver.requests.protobuf + receiver.requests.other;
    const imports = join(dir, 'imports-off.txt');
    // The receiver's URL is in the environment under a name OpenTelemetry does not read: nothing must find it.
    const serve = await startServe(['--store', join(dir, 'off.db')], {
      env: cleanEnv({ NODE_OPTIONS: `--import ${RECORD}`, TG_RECORD_IMPORTS: imports, RECEIVER_URL: receiver.url }),
    });
    try {
      const client = createClient({ url: serve.url, agent: 'agent://insurance' });
      const stream = client.subscribe({ eventTypes: ['ReferralRequested'] });
      const it1 = stream[Symbol.asyncIterator]();
      const next = it1.next();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await post(serve.url, patient('p-off'))).status, 201);
      const traceId = randomBytes(16).toString('hex');
      assert.equal((await post(serve.url, referral('r-off', 'p-off'), { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` })).status, 201);
      const mark = (await next).value as Mark;
      stream.close();
      // No span was made, so no trace context was invented: the event carried none, the mark has none.
      assert.equal(mark.traceparent ?? null, null);
      assert.equal(await serve.stop(), 0, serve.output());
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(receiver.spans.length, before);
      assert.equal(receiver.requests.json + receiver.requests.protobuf + receiver.requests.other, requests);
      assert.ok(existsSync(imports), 'the import recorder ran');
      const loaded = readFileSync(imports, 'utf8').split('\n').filter(Boolean);
      assert.ok(loaded.some((u) => u.includes('/@opentelemetry/api/')), 'the API (a no-op without an SDK) is what the code imports');
      assert.deepEqual(loaded.filter((u) => !u.includes('/@opentelemetry/api/')), [], 'no SDK, exporter or resource package was loaded');
    } finally {
      await serve.stop();
    }
  });
});
