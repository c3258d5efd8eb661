/**
 * The notification agent as an LLM agent would run it: ONLY through trailgraph's MCP tools (Streamable HTTP at
 * /mcp), no GraphQL client. Sense: subscribe to trailgraph://marks, and on each resources/updated read what is new
 * with marks_since (plus a periodic find_nodes sweep for anything missed). Claim the referral for `notify`, check
 * it still needs notifying, act (tell the patient — a log line — and publish ReferralCompleted as a fenced write
 * with the claim's token), release. The same choreography as notifier.ts, so the demo completes either way.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type CallToolResult, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { createWorkQueue, log, readFlags, report, sleep } from './agent-kit.ts';

const flags = readFlags();
const mcp = new Client({ name: flags.agent.replace(/^agent:\/\//, ''), version: '1.0.0' });
// With auth on, the supervisor hands the agent its token: the service knows the agent by it (and its policy).
const token = process.env.TRAILGRAPH_TOKEN || undefined;
const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : { 'x-trailgraph-agent': flags.agent };
await mcp.connect(new StreamableHTTPClientTransport(new URL(`${flags.url}/mcp`), { requestInit: { headers } }));
const stop = (): void => {
  log(flags.agent, 'stopping');
  void mcp.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
log(flags.agent, `started (pid ${process.pid}) against ${flags.url}/mcp (MCP tools only)`);

/** A failed tool call, with the error the server located. */
class ToolError extends Error {
  constructor(readonly tool: string, readonly error: { code?: string; message?: string; retryable?: boolean }) {
    super(`${tool}: ${error.code ?? 'ERROR'} ${error.message ?? ''}`);
  }
}

/** Calls a tool and returns its JSON answer; a retryable failure (store briefly unavailable) is tried again. */
async function tool<T = Record<string, any>>(name: string, args: Record<string, unknown>, attempts = 5): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any
  for (let i = 1; ; i++) {
    const result = (await mcp.callTool({ name, arguments: args })) as CallToolResult;
    const first = result.content[0];
    const body = (first?.type === 'text' ? JSON.parse(first.text) : {}) as Record<string, unknown>;
    if (!result.isError) return body as T;
    const error = (body.error ?? {}) as ToolError['error'];
    if (!error.retryable || i >= attempts) throw new ToolError(name, error);
    await sleep(100 * 2 ** i);
  }
}

/** The AppointmentScheduled event each referral was scheduled by: what ReferralCompleted reacts to. */
const causes = new Map<string, { eventId: string; correlationid?: string; traceparent?: string }>();

async function notify(rid: string): Promise<void> {
  const claim = await tool('claim', { node: rid, purpose: 'notify', ttlMs: 30_000 });
  if (!claim.granted) return; // another notifier has it
  try {
    // Sense again under the claim: it may have been completed since the mark was read.
    const referral = await tool('get_node', { id: rid, fields: ['status'], relationships: 1 });
    if (referral.node.properties.status !== 'scheduled') return;
    const hood = await tool('neighbourhood', { id: rid, hops: 1, via: ['forReferral'], limit: 20 });
    const appt = (hood.nodes as { id: string; class: string }[]).find((n) => n.class === 'Appointment');
    if (!appt) return;
    const when = await tool('get_node', { id: appt.id, fields: ['startsAt', 'location'], relationships: 1 });
    log(flags.agent, `NOTIFY patient of ${rid}: appointment on ${String(when.node.properties.startsAt ?? '?')} at ${String(when.node.properties.location ?? '?')}`);
    const cause = causes.get(rid);
    await tool('publish_ReferralCompleted', {
      id: `complete-${rid}`,
      subject: `Referral/${rid}`,
      // One time for every retry: the same id with the same content is a duplicate, not a conflict.
      time: new Date().toISOString(),
      data: { '@graph': [{ '@type': 'Referral', id: rid, status: 'completed' }, { '@type': 'Appointment', id: appt.id, status: 'fulfilled' }] },
      ...(cause && { causationid: cause.eventId, correlationid: cause.correlationid ?? cause.eventId }),
      // The reaction continues the mark's distributed trace (the client does this itself; over MCP the agent does).
      ...(cause?.traceparent && { traceparent: cause.traceparent }),
      claimpurpose: 'notify',
      claimtoken: claim.token,
    });
  } finally {
    await tool('release_claim', { node: rid, purpose: 'notify', token: claim.token });
  }
}

const queue = createWorkQueue(6, notify, (rid, err) => log(flags.agent, `${rid}: ${(err as Error).message}`));

/** Wakes the reading loop: a resources/updated notification arrived (or the fallback timer ran out). */
let wake: () => void = () => undefined;
mcp.setNotificationHandler(ResourceUpdatedNotificationSchema, () => wake());
await mcp.subscribeResource({ uri: 'trailgraph://marks' });

interface FeedMark {
  eventId: string;
  subject?: string;
  correlationid?: string;
  traceparent?: string;
}

async function readMarks(): Promise<void> {
  let cursor = 0;
  for (;;) {
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, 2000);
    });
    try {
      const page = await tool<{ marks: FeedMark[]; cursor: number; headSeq: number }>('marks_since', { after: cursor, where: { eventTypes: ['AppointmentScheduled'] }, limit: 100 });
      for (const m of page.marks) {
        const rid = m.subject?.slice(m.subject.indexOf('/') + 1);
        if (!rid) continue;
        causes.set(rid, { eventId: m.eventId, ...(m.correlationid && { correlationid: m.correlationid }), ...(m.traceparent && { traceparent: m.traceparent }) });
        report({ type: 'react', role: flags.role, eventId: m.eventId });
        queue.enqueue(rid);
      }
      cursor = page.cursor;
      if (page.marks.length === 100 || page.cursor < page.headSeq) continue; // more to read now
    } catch (err) {
      log(flags.agent, `marks_since failed: ${(err as Error).message}`);
    }
    await woken;
  }
}

async function sweep(): Promise<void> {
  for (;;) {
    try {
      let cursor: string | undefined;
      do {
        const page = await tool<{ items: { id: string }[]; nextCursor?: string }>('find_nodes', { class: 'Referral', where: { status: { eq: 'scheduled' } }, limit: 100, ...(cursor && { cursor }) });
        for (const r of page.items) queue.enqueue(r.id);
        cursor = page.nextCursor;
      } while (cursor);
    } catch (err) {
      log(flags.agent, `sweep failed: ${(err as Error).message}`);
    }
    await sleep(2000);
  }
}

await Promise.all([readMarks(), sweep()]);
