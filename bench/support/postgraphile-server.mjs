// The peer server of bench/peer.ts: PostGraphile 5 (Amber preset, grafserv on node:http) over a PostgreSQL database,
// configured as its documentation's library mode shows, production-style: no GraphiQL, no watch, no explain.
//   node bench/support/postgraphile-server.mjs <connection string> <port>
// Prints "listening <url>" once it serves.
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

const [connectionString, port] = process.argv.slice(2);
if (!connectionString || !port) throw new Error('usage: node bench/support/postgraphile-server.mjs <connection string> <port>');

const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString, schemas: ['public'] })],
  grafserv: { graphiql: false, watch: false },
  grafast: { explain: false },
};
const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on('error', (e) => {
  console.error(e);
  process.exit(1);
});
await serv.addTo(server);
server.listen(Number(port), '127.0.0.1', () => console.log(`listening http://127.0.0.1:${port}/graphql`));
const stop = () => {
  server.close();
  void Promise.resolve(pgl.release()).finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
