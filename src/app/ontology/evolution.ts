/**
 * Ontology evolution for the composition root: the ingest `upcast` hook (old producers keep working), the fields
 * kept under their old names for one version (plain data; the API turns them into deprecated GraphQL fields), and
 * the check that the store was migrated to the ontology being served.
 */
import { ConfigError } from '../../core/errors.ts';
import type { CloudEvent } from '../../core/events/cloud-event.ts';
import { aliasesFrom, type FieldAlias } from '../../core/migrations/aliases.ts';
import { DOMAIN_META_KEY, VERSION_META_KEY } from '../../core/migrations/plan.ts';
import { createUpcaster } from '../../core/migrations/upcaster.ts';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import type { GraphStore } from '../../ports/graph-store.ts';
import { loadVersionChain, versionFolders } from './ontology-versions.ts';

export interface Evolution {
  /** Upcasts events written against older versions; undefined when the domain has one version. */
  readonly upcast?: (event: CloudEvent) => CloudEvent;
  /** Fields the last migration renamed, still readable under their old names for one version. */
  readonly aliases: readonly FieldAlias[];
}

/** Loads the version chain of `domainDir` (ontology/<domain>) and derives the hooks. */
export async function loadEvolution(domainDir: string, current: CompiledOntology): Promise<Evolution> {
  if (versionFolders(domainDir).length < 2) return { aliases: [] };
  const chain = await loadVersionChain(domainDir);
  const last = chain.migrations[chain.migrations.length - 1];
  return {
    upcast: createUpcaster(chain),
    aliases: last && last.to === current.version ? aliasesFrom(last, current) : [],
  };
}

/**
 * Refuses to serve a store recorded at another version (it must be migrated first); records the version on an
 * empty store. A store that records nothing but holds data is left alone (`trailgraph migrate --from` fixes it).
 */
export async function checkStoredVersion(store: GraphStore, ontology: CompiledOntology): Promise<void> {
  await checkStoredDomain(store, ontology.iri, '--ontology / TRAILGRAPH_ONTOLOGY');
  const stored = await store.getMeta(VERSION_META_KEY);
  if (stored === undefined) {
    if ((await store.headSeq()) === 0) await store.setMeta(VERSION_META_KEY, ontology.version);
    return;
  }
  if (stored !== ontology.version) {
    throw new ConfigError('--ontology / TRAILGRAPH_ONTOLOGY',
      `the store holds a ${stored} graph but the ontology is ${ontology.version}; run \`trailgraph migrate --to ${ontology.version}\` first (see docs/evolving.md)`);
  }
}

/**
 * Refuses a store that holds another domain's graph (its recorded ontology IRI differs), naming both, before any
 * command plans or writes against it. A store that records no domain gets `iri` recorded: an empty one is being
 * started on this ontology; one written by a trailgraph that did not record domains is taken to be of this domain,
 * since its version check still follows. `record: false` (a dry run) only checks.
 */
export async function checkStoredDomain(store: GraphStore, iri: string, argument: string, { record = true } = {}): Promise<void> {
  const stored = await store.getMeta(DOMAIN_META_KEY);
  if (stored === undefined) {
    if (record) await store.setMeta(DOMAIN_META_KEY, iri);
    return;
  }
  if (stored !== iri) {
    throw new ConfigError(argument,
      `the store holds the graph of another domain (${stored}), not of ${iri}; point --store at that domain's store, or --ontology at the ontology of ${stored}`);
  }
}
