/**
 * The main-thread side of the prepare worker (prepare-worker.ts): one worker thread, requests answered in order.
 * A worker that fails (setup error, crash) makes every pending and later request reject, and the ingestor then
 * prepares on its own thread: the worker is an accelerator, never a dependency.
 */
import { Worker } from 'node:worker_threads';
import type { PrepareRequest, PrepareResponse } from './prepare-wire.ts';
import { decodePrepared } from './prepare-wire.ts';

/** Where the worker gets its ontology: a module whose default export returns a PrepareSetup, and its argument. */
export interface PrepareWorkerOptions {
  /** Module specifier (file URL or absolute path) of the setup module. */
  readonly module: string;
  /** Structured-cloneable argument for the setup function (e.g. the ontology directory). */
  readonly args?: unknown;
}

export interface PreparePool {
  prepare(payloads: readonly unknown[], receivedAt: string): Promise<PrepareResponse>;
  close(): Promise<void>;
}

export function createPreparePool({ module, args }: PrepareWorkerOptions): PreparePool {
  // Compiled, the worker entry is plain JS. From the sources it is TypeScript, and a worker thread does not inherit
  // the parent's module hooks: it registers tsx itself, then loads the entry.
  const compiled = import.meta.url.endsWith('.js');
  const entry = new URL(compiled ? './prepare-worker.js' : './prepare-worker.ts', import.meta.url).href;
  const boot = compiled
    ? `import(${JSON.stringify(entry)})`
    : `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: { module, args } });
  // The worker alone must not keep a process alive (the bus connection or server does that).
  worker.unref();
  const pending = new Map<number, { payloads: readonly unknown[]; resolve: (r: PrepareResponse) => void; reject: (e: Error) => void }>();
  let failed: Error | undefined;
  let next = 0;
  const fail = (err: Error): void => {
    failed ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (res: PrepareResponse) => {
    const p = pending.get(res.id);
    if (!p) return;
    pending.delete(res.id);
    if (res.error !== undefined) {
      fail(new Error(res.error));
      p.reject(new Error(res.error));
    } else if (res.json !== undefined) {
      try {
        p.resolve({ id: res.id, ...(res.version !== undefined && { version: res.version }), results: decodePrepared(res.json, p.payloads) });
      } catch (err) {
        p.reject(err as Error);
      }
    } else p.resolve(res);
  });
  worker.on('error', (err) => fail(err));
  worker.on('exit', (code) => fail(new Error(`prepare worker exited with code ${code}`)));
  return {
    prepare(payloads, receivedAt) {
      if (failed) return Promise.reject(failed);
      const id = next++;
      return new Promise<PrepareResponse>((resolve, reject) => {
        pending.set(id, { payloads, resolve, reject });
        worker.postMessage({ id, payloads, receivedAt } satisfies PrepareRequest);
      });
    },
    async close() {
      failed ??= new Error('prepare worker closed');
      await worker.terminate();
    },
  };
}
