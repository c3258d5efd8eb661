/**
 * Pausing the projector's durable consumer while the graph is migrated (nats-server ≥ 2.11 consumer pause): the
 * server stops delivering to every projector process at once — wherever they run — and events wait on the stream,
 * instead of someone having to stop the service first. The pause is a lease (`pause_until` a minute ahead, renewed
 * while the migration runs): a migration that dies without resuming does not leave projection stopped for good
 * (it is resumable, and events arriving meanwhile are upcast anyway).
 */
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ConfigError } from '../../core/errors.ts';
import { connectNats } from './jetstream-bus.ts';

export interface ConsumerPauseOptions {
  readonly url: string;
  readonly stream?: string;
  readonly durable?: string;
  /** How far ahead each renewal sets `pause_until` (default 60 s); renewed every third of it. */
  readonly leaseMs?: number;
  /** A renewal failed (the server unreachable): the next one retries; if none succeeds, the lease runs out. */
  readonly onRenewalError?: (err: unknown) => void;
}

export interface ConsumerPause {
  /** False when there was no consumer to pause (no projector has run yet). */
  readonly paused: boolean;
  readonly stream: string;
  readonly durable: string;
  /** Stops renewing and resumes delivery at once. */
  resume(): Promise<void>;
}

async function exists(jsm: JetStreamManager, stream: string, durable: string): Promise<boolean> {
  try {
    await jsm.consumers.info(stream, durable);
    return true;
  } catch {
    return false;
  }
}

/** Pauses the durable consumer (see the module comment); resolve `resume()` when the work is done. */
export async function pauseConsumer(options: ConsumerPauseOptions): Promise<ConsumerPause> {
  const stream = options.stream ?? 'TG_EVENTS';
  const durable = options.durable ?? 'trailgraph-projector';
  const leaseMs = options.leaseMs ?? 60_000;
  const nc: NatsConnection = await connectNats(options.url, 'trailgraph-migrate');
  const jsm = await jetstreamManager(nc);
  if (!(await exists(jsm, stream, durable))) {
    await nc.close();
    return { paused: false, stream, durable, resume: async () => undefined };
  }
  const pause = async (): Promise<void> => {
    const until = new Date(Date.now() + leaseMs);
    let res: { paused: boolean; pause_until?: string };
    try {
      res = await jsm.consumers.pause(stream, durable, until);
    } catch (err) {
      throw new ConfigError('nats.consumer.pause', `cannot pause consumer ${stream}/${durable}: ${(err as Error).message} (consumer pause needs nats-server ≥ 2.11)`, { cause: err });
    }
    if (!res.paused) throw new ConfigError('nats.consumer.pause', `consumer ${stream}/${durable} was not paused (the server ignored pause_until: nats-server ≥ 2.11 is required)`);
  };
  await pause();
  const timer = setInterval(() => {
    pause().catch((err: unknown) => options.onRenewalError?.(err));
  }, Math.max(100, Math.floor(leaseMs / 3)));
  return {
    paused: true,
    stream,
    durable,
    async resume() {
      clearInterval(timer);
      try {
        await jsm.consumers.resume(stream, durable);
      } finally {
        await nc.drain().catch(() => nc.close());
      }
    },
  };
}
