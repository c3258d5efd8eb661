#!/usr/bin/env node
// The installed package runs the compiled CLI (dist/). A source checkout runs the TypeScript directly through tsx,
// so development needs no build step and never runs a stale dist/.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import('../dist/cli/main.js');
}
