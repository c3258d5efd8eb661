/**
 * The OpenTelemetry SDK bootstrap, driven by the standard `OTEL_*` environment only. Off unless the environment
 * asks for an exporter; then the SDK packages are imported (lazily — a process without `OTEL_*` never loads them),
 * a tracer provider with a batching OTLP/HTTP exporter is registered globally, and `shutdownTracing()` flushes
 * what is still buffered (called on graceful stop).
 *
 * Processes that call it: the `trailgraph` CLI (serve, demo, publish…) and the demo agents. The package client does
 * not: it only propagates `traceparent` (an application owns its SDK, as OpenTelemetry recommends for libraries).
 */
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { enableTracing } from './spans.ts';

/** What the environment asks for; `undefined` exporter = tracing off (with the reason). */
export type TracingPlan =
  | { readonly exporter: 'otlp'; readonly protocol: 'http/json' | 'http/protobuf'; readonly serviceName: string }
  | { readonly exporter: 'console'; readonly serviceName: string }
  | { readonly exporter: undefined; readonly reason: string };

/** Thrown for an `OTEL_*` value this build cannot honour (said at start, never silently ignored). */
export class TracingConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'TracingConfigError';
  }
}

const truthy = (v: string | undefined): boolean => v !== undefined && v.trim().toLowerCase() === 'true';
const set = (v: string | undefined): boolean => v !== undefined && v.trim() !== '';

/** Decides from the environment alone (pure): which exporter, which protocol, which service name. */
export function tracingPlan(env: NodeJS.ProcessEnv, defaultServiceName: string): TracingPlan {
  if (truthy(env.OTEL_SDK_DISABLED)) return { exporter: undefined, reason: 'OTEL_SDK_DISABLED=true' };
  const serviceName = set(env.OTEL_SERVICE_NAME) ? (env.OTEL_SERVICE_NAME as string).trim() : defaultServiceName;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const endpoint = set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) || set(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (exporters.includes('none')) return { exporter: undefined, reason: 'OTEL_TRACES_EXPORTER=none' };
  const unknown = exporters.filter((e) => e !== 'otlp' && e !== 'console');
  if (unknown.length > 0) throw new TracingConfigError('OTEL_TRACES_EXPORTER', `"${unknown.join(',')}" is not supported; use otlp, console or none`);
  if (exporters.includes('console') && !exporters.includes('otlp')) return { exporter: 'console', serviceName };
  if (!exporters.includes('otlp') && !endpoint) return { exporter: undefined, reason: 'no OTEL_TRACES_EXPORTER or OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT set' };
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim().toLowerCase();
  if (protocol !== 'http/json' && protocol !== 'http/protobuf') {
    const variable = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL !== undefined ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
    throw new TracingConfigError(variable, `"${protocol}" is not supported; use http/protobuf (the default) or http/json (an OpenTelemetry collector translates to gRPC)`);
  }
  return { exporter: 'otlp', protocol, serviceName };
}

/** A registered SDK. */
export interface TracingHandle {
  readonly plan: Exclude<TracingPlan, { exporter: undefined }>;
  /** Exports what is buffered, then stops the provider. Idempotent. */
  shutdown(): Promise<void>;
}

let current: TracingHandle | undefined;

/**
 * Registers the SDK when the environment asks for it; returns undefined (and imports nothing) when it does not.
 * Idempotent: a second call returns the first handle.
 */
export async function startTracing(env: NodeJS.ProcessEnv = process.env, defaultServiceName = 'trailgraph'): Promise<TracingHandle | undefined> {
  if (current) return current;
  const plan = tracingPlan(env, defaultServiceName);
  if (plan.exporter === undefined) return undefined;
  const [{ NodeTracerProvider, BatchSpanProcessor, ConsoleSpanExporter }, { defaultResource, detectResources, envDetector, resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/resources'),
  ]);
  const exporter =
    plan.exporter === 'console'
      ? new ConsoleSpanExporter()
      : plan.protocol === 'http/json'
        ? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter()
        : new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter();
  // Export failures (collector down) are reported once per kind on stderr, never thrown into the pipeline.
  if (!set(env.OTEL_LOG_LEVEL)) diag.setLogger({ error: (m) => process.stderr.write(`trailgraph: tracing: ${m}\n`), warn: () => undefined, info: () => undefined, debug: () => undefined, verbose: () => undefined }, DiagLogLevel.ERROR);
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': plan.serviceName, 'service.version': '0.1.0' }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  provider.register();
  enableTracing(true);
  let stopping: Promise<void> | undefined;
  current = {
    plan,
    shutdown() {
      stopping ??= (async () => {
        enableTracing(false);
        await provider.shutdown().catch((err: unknown) => process.stderr.write(`trailgraph: tracing: flush failed: ${String(err)}\n`));
      })();
      return stopping;
    },
  };
  return current;
}

/** Flushes and stops the SDK registered by `startTracing`, if any (graceful shutdown). */
export async function shutdownTracing(): Promise<void> {
  await current?.shutdown();
}
