/** What is waiting in the shared environment, for health checks: the oldest live mark, claims close to expiry. */
import type { WaitingNodes } from '../../ports/graph-store.ts';
import type { StoreContext } from './context.ts';

export function waitingNodes(ctx: StoreContext, now: number, nearExpiryMs: number, limit: number): WaitingNodes {
  const oldest = ctx.stmt('SELECT node_id FROM marks WHERE expires_at > ? ORDER BY created_at LIMIT 1').pluck().get(now) as string | undefined;
  const claims = ctx.stmt('SELECT DISTINCT node_id FROM claims WHERE expires_at > ? AND expires_at <= ? ORDER BY expires_at LIMIT ?').pluck().all(now, now + nearExpiryMs, limit) as string[];
  return { oldestMarkNode: oldest, claimNodesNearExpiry: claims };
}
