/**
 * The API side of the metrics: `GET /metrics` (Prometheus text format) and the duration of every GraphQL
 * operation by name, type and outcome. Subscriptions count their set-up only (they then live for hours).
 */
import { getOperationAST, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Metrics } from '../observability/metrics.ts';

type Operation = { readonly name: string | undefined; readonly type: string };

/** Per parsed document (yoga caches documents, so the same object comes back for the same text) and operation name. */
const operations = new WeakMap<DocumentNode, Map<string | null | undefined, Operation>>();

function operationOf(document: DocumentNode, name: string | null | undefined): Operation {
  let byName = operations.get(document);
  if (!byName) operations.set(document, (byName = new Map()));
  let found = byName.get(name);
  if (!found) {
    const op = getOperationAST(document, name);
    found = { name: op?.name?.value ?? name ?? undefined, type: op?.operation ?? 'unknown' };
    // A client sending ever-new operation names for one document must not grow this without bound.
    if (byName.size < 64) byName.set(name, found);
  }
  return found;
}

/** Serves `/metrics` and times GraphQL operations. */
export function useMetrics(metrics: Metrics): Plugin {
  return {
    async onRequest({ url, endResponse }) {
      if (url.pathname !== '/metrics') return;
      endResponse(new Response(await metrics.render(), { status: 200, headers: { 'content-type': metrics.contentType } }));
    },
    onExecute({ args }) {
      const start = performance.now();
      return {
        onExecuteDone({ result }) {
          const { name, type } = operationOf(args.document, args.operationName);
          const ok = !('errors' in result) || !result.errors?.length;
          metrics.graphqlOperation(name, type, ok, (performance.now() - start) / 1000);
        },
      };
    },
    onSubscribe({ args }) {
      const start = performance.now();
      return {
        onSubscribeResult({ result }) {
          const { name, type } = operationOf(args.document, args.operationName);
          const ok = !('errors' in result) || !(result as { errors?: readonly unknown[] }).errors?.length;
          metrics.graphqlOperation(name, type, ok, (performance.now() - start) / 1000);
        },
      };
    },
  };
}

/** Serves `GET /status[?nearExpiryMs=N]`: the coordination health report as JSON. */
export function useStatus(status: (options?: { nearExpiryMs?: number }) => Promise<unknown>): Plugin {
  return {
    async onRequest({ url, endResponse }) {
      if (url.pathname !== '/status') return;
      const near = url.searchParams.get('nearExpiryMs');
      const nearExpiryMs = near === null ? undefined : Number(near);
      if (nearExpiryMs !== undefined && !(Number.isSafeInteger(nearExpiryMs) && nearExpiryMs >= 0)) {
        endResponse(new Response(JSON.stringify({ error: { code: 'BAD_USER_INPUT', message: `nearExpiryMs: expected a whole number of milliseconds, got ${JSON.stringify(near)}` } }), { status: 400, headers: { 'content-type': 'application/json; charset=utf-8' } }));
        return;
      }
      endResponse(new Response(JSON.stringify(await status(nearExpiryMs === undefined ? {} : { nearExpiryMs })), { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' } }));
    },
  };
}
