/** `trailgraph init <domain>`: scaffold a new domain that serves and passes `ontology check` at once. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { ConfigError } from '../../core/errors.ts';
import { domainFiles } from '../scaffold/domain-files.ts';

const DOMAIN = /^[a-z][a-z0-9-]{0,62}$/;

export function register(program: Command): void {
  program
    .command('init')
    .argument('<domain>', 'the domain name: lower-case letters, digits and dashes (e.g. clinic-ops)', (v: string) => {
      if (!DOMAIN.test(v)) throw new InvalidArgumentError('use lower-case letters, digits and dashes, starting with a letter');
      return v;
    })
    .option('--dir <folder>', 'project folder to write into', '.')
    .description('Scaffold a domain: ontology/<domain>/v1 (one class, one event type), a query, an example event, a test and trailgraph.config.json')
    .addHelpText('after', '\nNothing is overwritten: the command stops when a file it would write exists.\nThen: trailgraph ontology check && trailgraph serve   (and node --test test/*.test.mjs)')
    .action((domain: string, flags: { dir: string }) => {
      const root = resolve(flags.dir);
      const files = domainFiles(domain);
      const taken = files.map((f) => join(root, f.path)).filter((p) => existsSync(p));
      if (taken.length > 0) throw new ConfigError('<domain>', `would overwrite ${taken.map((p) => relative(process.cwd(), p)).join(', ')}; choose another domain or folder`);
      for (const f of files) {
        const path = join(root, f.path);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, f.text);
        process.stdout.write(`created ${relative(process.cwd(), path) || path}\n`);
      }
      process.stdout.write(`\nnext: trailgraph ontology check   # compiles ontology/${domain}\n      trailgraph serve            # GraphQL on http://127.0.0.1:4000/graphql\n      node --test test/*.test.mjs # publishes the example event through the CLI\n`);
    });
}
