/**
 * `trailgraph.config.json`: the settings a project would otherwise repeat on every command (`--ontology`, `--store`,
 * `--url`, …). The file is the lowest layer: environment variables override it and flags override both. It is
 * read from the working directory, or from the path in TRAILGRAPH_CONFIG.
 *
 * ```json
 * { "ontology": "ontology/clinic", "store": ".trailgraph/clinic.db", "url": "http://localhost:4000" }
 * ```
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';

/** The file name looked for in the working directory. */
export const CONFIG_FILE = 'trailgraph.config.json';

/** Each file key and the environment variable it stands for. Paths are relative to the file's folder. */
const KEYS = {
  ontology: { env: 'TRAILGRAPH_ONTOLOGY', path: true },
  store: { env: 'TRAILGRAPH_STORE', path: true },
  queries: { env: 'TRAILGRAPH_QUERIES', path: true },
  policy: { env: 'TRAILGRAPH_POLICY', path: true },
  nats: { env: 'TRAILGRAPH_NATS_URL', path: false },
  url: { env: 'TRAILGRAPH_URL', path: false },
  mode: { env: 'TRAILGRAPH_MODE', path: false },
  host: { env: 'TRAILGRAPH_HOST', path: false },
  port: { env: 'TRAILGRAPH_PORT', path: false },
  persistedOnly: { env: 'TRAILGRAPH_PERSISTED_ONLY', path: false },
} as const;

const value = z.union([z.string().min(1), z.number(), z.boolean()]).optional();
const schema = z.strictObject({
  ontology: value, store: value, queries: value, policy: value, nats: value, url: value, mode: value, host: value, port: value, persistedOnly: value,
});

/** The environment the file describes (TRAILGRAPH_* names → values); empty when there is no file. */
export function readConfigFile(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Record<string, string> {
  const file = env.TRAILGRAPH_CONFIG ? resolve(cwd, env.TRAILGRAPH_CONFIG) : resolve(cwd, CONFIG_FILE);
  if (!existsSync(file)) {
    if (env.TRAILGRAPH_CONFIG) throw new ConfigError('TRAILGRAPH_CONFIG', `${file} does not exist`);
    return {};
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(file, `is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `/${issue.path.join('/')}` : '';
    const known = Object.keys(KEYS).join(', ');
    throw new ConfigError(`${file}${where}`, `${issue?.message ?? 'invalid'} (keys: ${known})`);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed.data)) {
    if (value === undefined) continue;
    const spec = KEYS[key as keyof typeof KEYS];
    const text = String(value);
    // A path in the file means relative to the file, wherever the command runs; URLs stay as they are.
    out[spec.env] = spec.path && !isAbsolute(text) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? resolve(dirname(file), text) : text;
  }
  return out;
}

/** Puts the file's settings into `env` where the environment does not already set them. */
export function applyConfigFile(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): void {
  for (const [name, value] of Object.entries(readConfigFile(env, cwd))) {
    if (env[name] === undefined || env[name] === '') env[name] = value;
  }
}
