/**
 * Stream provisioning: the event stream and the dead-letter stream, created or updated at start, and the stored
 * config read back — a server that dropped or changed a setting (replicas, the dedupe window) is refused with the
 * setting named, rather than run with weaker guarantees than asked for.
 */
import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { ConfigError } from '../../core/errors.ts';

export interface StreamSettings {
  readonly name: string;
  readonly subjects: readonly string[];
  /** 0 = keep forever (limits retention; replay needs history). */
  readonly maxAgeMs: number;
  /** Window in which a repeated `Nats-Msg-Id` is dropped as a duplicate. */
  readonly duplicateWindowMs: number;
  /**
   * Copies kept by a cluster (1 on a single server); an ack then means stored on a majority of them. Unset: 1 for
   * a new stream, and an existing stream keeps its count (a publish-only CLI must not scale a production stream down).
   */
  readonly replicas?: number;
}

/** The settings an update may change in place, and the read-back compares. */
const UPDATABLE = ['subjects', 'max_age', 'duplicate_window', 'num_replicas'] as const;

/** Creates the stream, or updates its subjects/limits/replicas when it exists. Returns the stored config. */
export async function ensureStream(jsm: JetStreamManager, settings: StreamSettings): Promise<StreamConfig> {
  const wanted: Partial<StreamConfig> & { name: string } = {
    name: settings.name,
    subjects: [...settings.subjects],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(settings.maxAgeMs),
    duplicate_window: nanos(settings.duplicateWindowMs),
    num_replicas: settings.replicas ?? 1,
  };
  let info;
  try {
    info = await jsm.streams.info(settings.name);
  } catch {
    info = undefined;
  }
  const fields = UPDATABLE.filter((k) => k !== 'num_replicas' || settings.replicas !== undefined || !info);
  const update = Object.fromEntries(fields.map((k) => [k, wanted[k]])) as Partial<StreamConfig>;
  const stored = info ? (await jsm.streams.update(settings.name, update)).config : (await jsm.streams.add(wanted)).config;
  if (stored.storage !== StorageType.File) {
    throw new ConfigError(`nats.stream.${settings.name}.storage`, `stream exists with ${stored.storage} storage; events need file storage — recreate the stream`);
  }
  if (stored.retention !== RetentionPolicy.Limits) {
    throw new ConfigError(`nats.stream.${settings.name}.retention`, `stream exists with ${stored.retention} retention; replay needs limits retention — recreate the stream`);
  }
  for (const field of fields) {
    const want = JSON.stringify(wanted[field] ?? null);
    const got = JSON.stringify(stored[field] ?? null);
    if (want !== got) {
      throw new ConfigError(`nats.stream.${settings.name}.${field}`, `stream ${settings.name} was stored with ${field}=${got} but trailgraph asked for ${want}; the server dropped or changed the setting`);
    }
  }
  return stored;
}
