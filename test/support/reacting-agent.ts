/**
 * A minimal agent process for the tracing tests, built as an agent author would: the package client, plus the
 * OpenTelemetry bootstrap when the OTEL_* environment asks for it. It subscribes to ReferralRequested marks,
 * reacts to the first one by publishing InsuranceVerified (causedBy the mark), prints one JSON line and exits
 * after flushing its spans.
 *
 *   node --import tsx test/support/reacting-agent.ts <service url>
 */
import { createClient, type Mark } from '../../src/client/index.ts';
import { reactTo } from '../../src/observability/trace-reaction.ts';
import { shutdownTracing, startTracing } from '../../src/observability/tracing.ts';

const url = process.argv[2];
if (!url) throw new Error('usage: reacting-agent.ts <service url>');
await startTracing(process.env, 'agent-insurance');
const client = createClient({ url, agent: 'agent://insurance' });
const stream = client.subscribe({ eventTypes: ['ReferralRequested'] });
process.stdout.write('{"subscribed":true}\n');
for await (const mark of stream as AsyncIterable<Mark>) {
  const rid = (mark.subject ?? '').split('/')[1] ?? 'unknown';
  const event = {
    specversion: '1.0', id: `ins-${rid}`, source: 'agent://insurance', type: 'InsuranceVerified', subject: `Referral/${rid}`,
    data: { '@type': 'Referral', id: rid, status: 'insurance-verified', hasInsuranceVerification: { '@type': 'InsuranceVerification', id: `iv-${rid}`, status: 'verified', verifiedAt: new Date().toISOString(), payer: 'Acme' } },
  };
  const result = await reactTo(mark, 'agent://insurance', (traceparent) => client.publish(traceparent === undefined ? event : { ...event, traceparent }, { causedBy: mark }));
  process.stdout.write(`${JSON.stringify({ reacted: event.id, to: mark.eventId, markTraceparent: mark.traceparent ?? null, seq: result.seq })}\n`);
  break;
}
stream.close();
await shutdownTracing();
process.exit(0);
