/**
 * The pure parts of tracing: what the OTEL_* environment turns on (and what it refuses, by variable name), W3C
 * `traceparent` ⇄ span context, and the client's hand-over of a mark's trace context to the reaction event.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reactingTo } from '../../src/client/index.ts';
import { contextOf, spanContextOf, traceparentOf } from '../../src/observability/spans.ts';
import { rawTraceparent } from '../../src/observability/trace-ingest.ts';
import { TracingConfigError, tracingPlan } from '../../src/observability/tracing.ts';
import { trace } from '@opentelemetry/api';

const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

void describe('tracingPlan (OTEL_* environment)', () => {
  void it('is off without an exporter or endpoint, and says why', () => {
    const plan = tracingPlan({}, 'trailgraph');
    assert.equal(plan.exporter, undefined);
    assert.match(plan.exporter === undefined ? plan.reason : '', /OTEL_TRACES_EXPORTER/);
  });

  void it('turns OTLP on for an endpoint alone, with the spec default protocol http/protobuf', () => {
    assert.deepEqual(tracingPlan({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' }, 'trailgraph'), { exporter: 'otlp', protocol: 'http/protobuf', serviceName: 'trailgraph' });
    assert.deepEqual(tracingPlan({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: ' api ' }, 'x'), { exporter: 'otlp', protocol: 'http/json', serviceName: 'api' });
  });

  void it('lets the traces-specific protocol win over the general one', () => {
    const plan = tracingPlan({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' }, 't');
    assert.equal(plan.exporter === 'otlp' && plan.protocol, 'http/protobuf');
  });

  void it('honours none and OTEL_SDK_DISABLED over an endpoint', () => {
    assert.equal(tracingPlan({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, 't').exporter, undefined);
    assert.equal(tracingPlan({ OTEL_SDK_DISABLED: 'TRUE', OTEL_TRACES_EXPORTER: 'otlp' }, 't').exporter, undefined);
  });

  void it('takes the console exporter', () => {
    assert.deepEqual(tracingPlan({ OTEL_TRACES_EXPORTER: 'console' }, 'svc'), { exporter: 'console', serviceName: 'svc' });
  });

  void it('refuses what it cannot honour, naming the variable', () => {
    assert.throws(() => tracingPlan({ OTEL_TRACES_EXPORTER: 'zipkin' }, 't'), (e: unknown) => e instanceof TracingConfigError && e.variable === 'OTEL_TRACES_EXPORTER' && /zipkin/.test(e.message));
    assert.throws(() => tracingPlan({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' }, 't'), (e: unknown) => e instanceof TracingConfigError && e.variable === 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL');
    assert.throws(() => tracingPlan({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 't'), (e: unknown) => e instanceof TracingConfigError && e.variable === 'OTEL_EXPORTER_OTLP_PROTOCOL');
  });
});

void describe('traceparent ⇄ span context', () => {
  void it('reads a W3C traceparent as a remote, sampled parent', () => {
    assert.deepEqual(spanContextOf(TP), { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true });
    assert.equal(spanContextOf('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00')?.traceFlags, 0);
  });

  void it('ignores absent and malformed values instead of failing the event', () => {
    for (const bad of [undefined, null, '', 'garbage', '00-xyz-b7ad6b7169203331-01', `${TP}-extra`]) assert.equal(spanContextOf(bad), undefined, String(bad));
    assert.equal(trace.getSpanContext(contextOf('garbage')), undefined);
  });

  void it('writes a span context back as the same traceparent', () => {
    const span = trace.wrapSpanContext(spanContextOf(TP)!);
    assert.equal(traceparentOf(span), TP);
    assert.equal(traceparentOf(undefined), undefined);
  });

  void it('finds a raw event trace context in its transport header first, then in its CloudEvents extension', () => {
    const other = '00-11111111111111111111111111111111-2222222222222222-01';
    assert.equal(rawTraceparent({ payload: JSON.stringify({ id: 'e1', traceparent: TP }) }), TP);
    assert.equal(rawTraceparent({ payload: { id: 'e1', traceparent: TP } }), TP);
    assert.equal(rawTraceparent({ payload: { id: 'e1', traceparent: TP }, headers: { traceparent: other } }), other);
    assert.equal(rawTraceparent({ payload: '{"id":"e1"}' }), undefined);
  });
});

void describe('client reactingTo', () => {
  const mark = { eventId: 'ref-1', correlationid: 'corr-1', traceparent: TP };

  void it('continues the mark trace, causation and correlation on the reaction', () => {
    assert.deepEqual(reactingTo({ id: 'ins-1' }, mark), { id: 'ins-1', causationid: 'ref-1', correlationid: 'corr-1', traceparent: TP });
  });

  void it('keeps the event own values (an agent that traces itself sets its own span)', () => {
    const own = '00-11111111111111111111111111111111-2222222222222222-01';
    assert.equal(reactingTo({ id: 'ins-1', traceparent: own }, mark).traceparent, own);
  });

  void it('adds no traceparent when the mark has none', () => {
    assert.equal('traceparent' in reactingTo({ id: 'ins-1' }, { eventId: 'ref-1', traceparent: null }), false);
    assert.equal(reactingTo({ id: 'ins-1' }, { eventId: 'ref-1' }).correlationid, 'ref-1');
  });
});
