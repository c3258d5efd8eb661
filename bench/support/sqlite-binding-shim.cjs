// Preloaded (`node --require`) into a benchmark's server when it runs on another Node than the one node_modules
// was built for: better-sqlite3 then loads the native binding built for that Node's ABI (TG_BENCH_SQLITE_BINDING,
// e.g. the one .ci/run caches under ~/.cache/trailgraph) instead of build/Release. Nothing else changes.
'use strict';
const Module = require('node:module');
const path = require('node:path');

const binding = process.env.TG_BENCH_SQLITE_BINDING;
if (binding) {
  const fromProject = Module.createRequire(path.join(__dirname, '..', '..', 'package.json'));
  const fromSqlite = Module.createRequire(fromProject.resolve('better-sqlite3'));
  const bindingsPath = fromSqlite.resolve('bindings');
  const real = fromSqlite('bindings');
  const shim = new Module(bindingsPath);
  shim.filename = bindingsPath;
  shim.loaded = true;
  shim.exports = (name) => (name === 'better_sqlite3.node' ? require(binding) : real(name));
  require.cache[bindingsPath] = shim;
}
