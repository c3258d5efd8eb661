/**
 * Loads the access policy that sits beside the ontology: `<ontology dir>/policy/v<N>/*.ttl` (the highest N), or
 * a folder / .ttl file given explicitly. Compiled against the served ontology; located errors as PolicyError.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PolicyError } from '../../core/auth/errors.ts';
import { compilePolicy } from '../../core/auth/compile-policy.ts';
import type { CompiledPolicy } from '../../core/auth/policy.ts';
import { ConfigError } from '../../core/errors.ts';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import { listVersions } from '../ontology/ontology-loader.ts';

/** Where the policy of the domain at `ontologyDir` lives by default. */
export function defaultPolicyDir(ontologyDir: string): string {
  return join(ontologyDir, 'policy');
}

function policyFiles(path: string): string[] {
  if (!existsSync(path)) throw new ConfigError('--policy / TRAILGRAPH_POLICY', `${path} does not exist; the access policy lives in <ontology>/policy/v<N>/*.ttl (see docs/security.md)`);
  if (statSync(path).isFile()) return [path];
  const here = readdirSync(path).filter((f) => f.endsWith('.ttl')).sort();
  if (here.length > 0) return here.map((f) => join(path, f));
  const latest = listVersions(path)[0];
  if (!latest) throw new ConfigError('--policy / TRAILGRAPH_POLICY', `${path} holds no .ttl files and no v<N> folders`);
  return readdirSync(latest.dir).filter((f) => f.endsWith('.ttl')).sort().map((f) => join(latest.dir, f));
}

/** Reads and compiles the policy. Throws PolicyError (located) or ConfigError (missing files). */
export function loadPolicy(path: string, ontology: CompiledOntology): CompiledPolicy {
  const sources = policyFiles(path).map((file) => {
    const rel = relative(process.cwd(), file);
    return { file: rel.startsWith('..') ? file : rel, text: readFileSync(file, 'utf8') };
  });
  const result = compilePolicy(sources, ontology);
  if (!result.policy) throw new PolicyError(result.diagnostics);
  return result.policy;
}
