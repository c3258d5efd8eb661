/**
 * The CLI as a client of a running service (`--url`, env TRAILGRAPH_URL or trailgraph.config.json's `url`): it
 * goes through the service's HTTP API instead of opening the store file behind the server's back.
 */
import { readFileSync } from 'node:fs';
import { createClient, type TrailgraphClient } from '../client/index.ts';
import { ConfigError } from '../core/errors.ts';

/** Flags of the commands that can talk to a service. */
export interface RemoteFlags {
  readonly url?: string;
  readonly tokenFile?: string;
  readonly store?: unknown;
  readonly nats?: unknown;
  readonly natsUrl?: unknown;
}

/**
 * The service URL to use, or undefined to work on the store directly: `--url` wins; TRAILGRAPH_URL applies unless
 * the command was pointed at a store or a bus explicitly (`--store`, `--nats`).
 */
export function serviceUrl(flags: RemoteFlags, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = flags.url ?? (flags.store === undefined && flags.nats === undefined && flags.natsUrl === undefined ? env.TRAILGRAPH_URL || undefined : undefined);
  if (url === undefined) return undefined;
  if (!/^https?:\/\//.test(url)) throw new ConfigError('--url / TRAILGRAPH_URL', `${url} is not an http(s) URL; use e.g. http://127.0.0.1:4000`);
  return url.replace(/\/+$/, '');
}

/** The bearer token for the service: `--token-file`, else env TRAILGRAPH_TOKEN; none when auth is off. */
export function bearerToken(flags: RemoteFlags, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (flags.tokenFile === undefined) return env.TRAILGRAPH_TOKEN || undefined;
  try {
    return readFileSync(flags.tokenFile, 'utf8').trim();
  } catch (err) {
    throw new ConfigError('--token-file', `cannot read ${flags.tokenFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/** A client for the service at `url`, acting as `agent://cli`, with the token when there is one. */
export function remoteClient(url: string, flags: RemoteFlags): TrailgraphClient {
  const token = bearerToken(flags);
  return createClient({ url, agent: 'agent://cli', ...(token !== undefined && { headers: { authorization: `Bearer ${token}` } }) });
}
