/**
 * A real OTLP/HTTP trace receiver for tests: a `node:http` server on a free loopback port that accepts
 * `POST /v1/traces` as an OpenTelemetry exporter sends it (OTLP/JSON: `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`) and
 * decodes every span with its resource's `service.name`. Protobuf bodies are counted, not decoded.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** OTLP span kinds (the enum of the wire format). */
export const SpanKindCode = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

export interface ReceivedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: number;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  readonly links: readonly { readonly traceId: string; readonly spanId: string }[];
  readonly status: number;
  readonly startNs: bigint;
  readonly endNs: bigint;
}

export interface OtlpReceiver {
  /** e.g. `http://127.0.0.1:40123` — for OTEL_EXPORTER_OTLP_ENDPOINT (the exporter appends /v1/traces). */
  readonly url: string;
  readonly spans: ReceivedSpan[];
  /** Export requests seen, by content type. */
  readonly requests: { json: number; protobuf: number; other: number };
  /** Resolves once `predicate` holds for the spans received so far (polls; rejects after `timeoutMs`). */
  waitFor(predicate: (spans: readonly ReceivedSpan[]) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

interface AnyValue { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean }
interface KeyValue { key: string; value: AnyValue }

/** OTLP/JSON ids are hex; an exporter that sent base64 (the protobuf JSON mapping) is read too. */
function hexId(id: string | undefined): string {
  if (!id) return '';
  if (/^[0-9a-f]+$/i.test(id) && (id.length === 32 || id.length === 16)) return id.toLowerCase();
  return Buffer.from(id, 'base64').toString('hex');
}

function attributesOf(list: readonly KeyValue[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    if (value.stringValue !== undefined) out[key] = value.stringValue;
    else if (value.intValue !== undefined) out[key] = Number(value.intValue);
    else if (value.doubleValue !== undefined) out[key] = value.doubleValue;
    else if (value.boolValue !== undefined) out[key] = value.boolValue;
  }
  return out;
}

interface ExportRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: {
      spans?: {
        traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number;
        startTimeUnixNano: string | number; endTimeUnixNano: string | number;
        attributes?: KeyValue[]; links?: { traceId: string; spanId: string }[]; status?: { code?: number };
      }[];
    }[];
  }[];
}

function decode(body: ExportRequest): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of body.resourceSpans ?? []) {
    const service = String(attributesOf(rs.resource?.attributes)['service.name'] ?? '');
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const parent = hexId(s.parentSpanId);
        out.push({
          service, traceId: hexId(s.traceId), spanId: hexId(s.spanId), parentSpanId: parent === '' ? undefined : parent,
          name: s.name, kind: s.kind, attributes: attributesOf(s.attributes),
          links: (s.links ?? []).map((l) => ({ traceId: hexId(l.traceId), spanId: hexId(l.spanId) })),
          status: s.status?.code ?? 0, startNs: BigInt(s.startTimeUnixNano), endNs: BigInt(s.endTimeUnixNano),
        });
      }
    }
  }
  return out;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const requests = { json: 0, protobuf: 0, other: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      if (type === 'application/json') {
        requests.json++;
        try {
          spans.push(...decode(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ExportRequest));
        } catch {
          res.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"undecodable OTLP/JSON"}');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else if (type === 'application/x-protobuf') {
        requests.protobuf++;
        // An empty ExportTraceServiceResponse is an empty protobuf message.
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      } else {
        requests.other++;
        res.writeHead(415).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    requests,
    async waitFor(predicate, timeoutMs = 30_000, what = 'spans') {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(spans)) {
        if (Date.now() > deadline) throw new Error(`OTLP receiver: timed out waiting for ${what}; got ${spans.length} spans: ${spans.map((s) => `${s.service}:${s.name}`).join(', ')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
