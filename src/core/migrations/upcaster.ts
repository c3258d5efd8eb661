/**
 * The `upcast` hook of the ingest pipeline: decides whether an event was written against an older ontology
 * version and, if so, rewrites it through every migration up to the current version.
 *
 * An event is old when its `dataschema` names an older version (versionIRI, or versionInfo), or — for producers
 * that send no `dataschema` — when it fails validation against the current version but passes an older one
 * (newest first). The upcast event records where it came from: `tgupcastfrom` (the version) and `tgoriginal`
 * (the event as received, JSON text), so the ledger keeps the original next to what was projected.
 */
import type { CloudEvent } from '../events/cloud-event.ts';
import { validatePayload } from '../events/payload.ts';
import { MigrationError } from './errors.ts';
import type { CompiledOntology } from '../ontology/model.ts';
import type { Migration } from './steps.ts';
import { upcastThrough } from './upcast.ts';

/** Released versions of one domain, oldest first, with the migration from each to the next. */
export interface VersionChain {
  readonly ontologies: readonly CompiledOntology[];
  /** `migrations[i]` leads from `ontologies[i]` to `ontologies[i + 1]`. */
  readonly migrations: readonly Migration[];
}

/** Extension attributes set on an upcast event. */
export const UPCAST_FROM = 'tgupcastfrom';
export const UPCAST_ORIGINAL = 'tgoriginal';

/** Checks that the chain is consistent: each migration's from/to match the versions it sits between. */
export function checkChain(chain: VersionChain): void {
  if (chain.migrations.length !== chain.ontologies.length - 1) {
    throw new MigrationError(`expected ${chain.ontologies.length - 1} migration(s) between ${chain.ontologies.length} versions, got ${chain.migrations.length}`);
  }
  chain.migrations.forEach((m, i) => {
    const a = chain.ontologies[i]?.version;
    const b = chain.ontologies[i + 1]?.version;
    if (m.from !== a || m.to !== b) throw new MigrationError(`migration ${m.from} → ${m.to} sits between versions ${a} and ${b}`);
  });
}

function versionIndex(chain: VersionChain, dataschema: string): number {
  return chain.ontologies.findIndex((o) => o.versionIri === dataschema || o.version === dataschema || o.iri === dataschema);
}

function passes(event: CloudEvent, ontology: CompiledOntology): boolean {
  try {
    validatePayload(event, ontology);
    return true;
  } catch {
    return false;
  }
}

/** Upcasts `event` from version index `from` to the newest version. */
export function upcastFrom(chain: VersionChain, event: CloudEvent, from: number): CloudEvent {
  let out = event;
  for (let i = from; i < chain.migrations.length; i++) {
    const m = chain.migrations[i];
    const a = chain.ontologies[i];
    const b = chain.ontologies[i + 1];
    if (!m || !a || !b) break;
    out = upcastThrough(out, m, a, b);
  }
  const origin = chain.ontologies[from];
  return Object.freeze({
    ...out,
    [UPCAST_FROM]: origin?.versionIri ?? origin?.version ?? String(from),
    [UPCAST_ORIGINAL]: JSON.stringify(event),
  }) as CloudEvent;
}

/** The hook: returns the event unchanged when it is current (or hopeless), else its upcast form. */
export function createUpcaster(chain: VersionChain): (event: CloudEvent) => CloudEvent {
  checkChain(chain);
  const last = chain.ontologies.length - 1;
  const current = chain.ontologies[last];
  return (event) => {
    if (last <= 0 || !current || event[UPCAST_FROM] !== undefined) return event;
    if (event.dataschema !== undefined) {
      const i = versionIndex(chain, event.dataschema);
      return i >= 0 && i < last ? upcastFrom(chain, event, i) : event;
    }
    if (!current.eventTypes.has(event.type) || !passes(event, current)) {
      for (let i = last - 1; i >= 0; i--) {
        const o = chain.ontologies[i];
        if (o && passes(event, o)) return upcastFrom(chain, event, i);
      }
    }
    return event;
  };
}
