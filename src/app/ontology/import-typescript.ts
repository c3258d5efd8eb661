/**
 * Importing a user's TypeScript module (a migration). From the sources tsx is already registered. Compiled, Node 20
 * cannot load `.ts` at all and newer Nodes strip only erasable syntax, so tsx's loader is registered on first need
 * (never for users whose migrations are JSON). Registering before the first attempt matters: Node caches a failed
 * import of a URL, so a retry after registering would fail again.
 */
import { pathToFileURL } from 'node:url';

const FROM_SOURCES = import.meta.url.endsWith('.ts');
let registered: Promise<void> | undefined;

/** `import()` of an absolute `.ts` path. */
export async function importTypeScript(absPath: string): Promise<unknown> {
  if (!FROM_SOURCES) {
    registered ??= import('tsx/esm/api').then(({ register }) => void register());
    await registered;
  }
  return import(pathToFileURL(absPath).href);
}
