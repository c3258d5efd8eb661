/**
 * Ontology compile time against ontology size: flat ontologies (N classes under ten roots, one datatype property
 * each) and deep rdfs:subClassOf chains (N classes, each the subclass of the previous). Beside each compile time,
 * in the same run and on the same text, the Turtle parse alone (n3, the compiler's first stage): compile / parse
 * near a constant ratio means compile grows like its input.
 *
 *   node --import tsx bench/run.ts ontology-compile [--flat 1000,10000,50000] [--chain 10000,50000] [--rounds 3]
 *
 * `serve`, `migrate` and every command that loads an ontology compile it at start-up, so this is start-up time.
 */
import { Parser } from 'n3';
import { compileOntology } from '../src/core/ontology/compile.ts';

function arg(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : fallback;
}

const HEADER = `@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix b: <https://example.org/big#> .
<https://example.org/big> a owl:Ontology ; rdfs:label "Big" ; owl:versionInfo "1.0.0" .
`;

/** The Turtle of a generated ontology. */
export function generate(classes: number, shape: 'flat' | 'chain'): string {
  const parts = [HEADER];
  for (let i = 0; i < classes; i++) {
    const sup = shape === 'chain' ? (i > 0 ? ` ; rdfs:subClassOf b:C${i - 1}` : '') : i >= 10 ? ` ; rdfs:subClassOf b:C${i % 10}` : '';
    parts.push(`b:C${i} a owl:Class ; rdfs:label "C${i}"${sup} .\n`);
    if (shape === 'flat') parts.push(`b:p${i} a owl:DatatypeProperty ; rdfs:domain b:C${i} ; rdfs:range xsd:string .\n`);
  }
  return parts.join('');
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export async function main(argv: string[]): Promise<void> {
  const rounds = Number(arg(argv, 'rounds', '3'));
  const sizes = (s: string): number[] => (s ? s.split(',').map(Number) : []);
  const cases = [
    ...sizes(arg(argv, 'flat', '1000,10000,50000')).map((n) => ({ n, shape: 'flat' as const })),
    ...sizes(arg(argv, 'chain', '10000,50000')).map((n) => ({ n, shape: 'chain' as const })),
  ];
  console.log(`ontology compile, median of ${rounds} round(s); Node ${process.version}`);
  console.log('| ontology | classes | triples | parse (n3) ms | compile ms | compile / parse | heap after MB |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const { n, shape } of cases) {
    const text = generate(n, shape);
    const parse: number[] = [];
    const compile: number[] = [];
    let triples = 0;
    for (let r = 0; r < rounds; r++) {
      let t0 = performance.now();
      triples = new Parser().parse(text).length;
      parse.push(performance.now() - t0);
      t0 = performance.now();
      const result = compileOntology([{ file: `${shape}.ttl`, text }]);
      compile.push(performance.now() - t0);
      if (!result.ontology) throw new Error(`${shape} ${n} did not compile: ${result.diagnostics[0]?.message ?? '?'}`);
    }
    const p = median(parse);
    const c = median(compile);
    console.log(`| ${shape} | ${n} | ${triples} | ${p.toFixed(0)} | ${c.toFixed(0)} | ${(c / p).toFixed(1)}× | ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} |`);
  }
}
