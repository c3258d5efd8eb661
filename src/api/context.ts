/** What every resolver sees: the ports, the ontology, per-request loaders and the limits. */
import type { CompiledOntology } from '../core/ontology/model.ts';
import type { Publisher } from '../app/publish/publisher.ts';
import type { GraphStore } from '../ports/graph-store.ts';
import type { AccessControl } from '../app/auth/access-control.ts';
import type { Principal } from '../core/auth/principal.ts';
import type { ReadAccess } from '../core/auth/read-scope.ts';
import type { DeadLetterStore } from '../ports/dead-letters.ts';
import type { Loaders } from './loaders.ts';

/** Bounds that keep one request from taking the server down. Defaults in `DEFAULT_API_LIMITS`. */
export interface ApiLimits {
  /** Largest page (`first`) a connection returns. */
  readonly maxFirst: number;
  /** Largest `hops` / `maxHops`. */
  readonly maxHops: number;
  /** Largest neighbourhood / paths result. */
  readonly maxResults: number;
  /** Upper bound of a read-your-writes wait (`waitMs`). */
  readonly maxWaitMs: number;
  /** Wait used when `atLeastSeq` is given without `waitMs`, and by publishEvent(wait: true) in bus mode. */
  readonly defaultWaitMs: number;
  /** Request body limit in bytes (413 above). */
  readonly maxBodyBytes: number;
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxCost: number;
}

export const DEFAULT_API_LIMITS: ApiLimits = Object.freeze({
  maxFirst: 500,
  maxHops: 4,
  maxResults: 1000,
  maxWaitMs: 30_000,
  defaultWaitMs: 5_000,
  maxBodyBytes: 1024 * 1024,
  maxDepth: 12,
  maxAliases: 20,
  maxCost: 50_000,
});

/** The services the API is built on (a subset of the runtime). */
export interface ApiServices {
  readonly store: GraphStore;
  readonly ontology: CompiledOntology;
  readonly publisher: Publisher;
  /** Authentication and the access policy; absent = the API is open. */
  readonly access?: AccessControl;
  /** Where refused events are kept (reason `forbidden`). */
  readonly deadLetters?: DeadLetterStore;
}

export interface ApiContext extends ApiServices {
  readonly limits: ApiLimits;
  readonly loaders: Loaders;
  /** The authenticated caller (auth on). */
  readonly principal?: Principal;
  /** The acting agent when authenticated: marks and claims are attributed to it, whatever the arguments say. */
  readonly agent?: string;
  /** What the caller may read; `store` and `loaders` are already bound to it. */
  readonly readAccess: ReadAccess;
}
