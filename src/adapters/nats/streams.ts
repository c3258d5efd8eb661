/**
 * Stream provisioning: the event stream and the dead-letter stream, created or updated at start.
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
}

/** Creates the stream, or updates its subjects/limits when it exists. Returns the stored config. */
export async function ensureStream(jsm: JetStreamManager, settings: StreamSettings): Promise<StreamConfig> {
  const wanted: Partial<StreamConfig> & { name: string } = {
    name: settings.name,
    subjects: [...settings.subjects],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(settings.maxAgeMs),
    duplicate_window: nanos(settings.duplicateWindowMs),
  };
  let info;
  try {
    info = await jsm.streams.info(settings.name);
  } catch {
    info = undefined;
  }
  const stored = info
    ? (await jsm.streams.update(settings.name, { subjects: wanted.subjects, max_age: wanted.max_age, duplicate_window: wanted.duplicate_window })).config
    : (await jsm.streams.add(wanted)).config;
  if (stored.storage !== StorageType.File) {
    throw new ConfigError(`nats.stream.${settings.name}.storage`, `stream exists with ${stored.storage} storage; events need file storage — recreate the stream`);
  }
  if (stored.retention !== RetentionPolicy.Limits) {
    throw new ConfigError(`nats.stream.${settings.name}.retention`, `stream exists with ${stored.retention} retention; replay needs limits retention — recreate the stream`);
  }
  return stored;
}
