/**
 * Turtle → triples that remember the line they were written on. n3 emits quads without positions, so we observe
 * its token stream (`onToken`/`onTokenEnd`, public parser options) and stamp every quad, at the moment the parser
 * builds it (a custom data factory), with the line of the statement's object:
 * - a plain object (`ex:a ex:p ex:b .`) is stamped when the following `;`, `,` or `.` is read, so punctuation must
 *   not move the line: the object token's line is kept;
 * - a blank-node or list object (`ex:p [ … ]`, `sh:in ( … )`) takes the line of its opening `[` / `(`, while the
 *   triples inside it keep their own lines.
 */
import { DataFactory, Parser } from 'n3';
import type { Quad, Term } from '@rdfjs/types';
import type { OntologyDiagnostic } from '../errors.ts';

/** A triple with the file and 1-based line of its object. */
export interface LocatedTriple {
  readonly subject: Term;
  readonly predicate: Term;
  readonly object: Term;
  readonly file: string;
  readonly line: number;
}

/** The parse of one Turtle file. */
export interface ParsedTurtle {
  readonly file: string;
  readonly triples: readonly LocatedTriple[];
  readonly prefixes: Readonly<Record<string, string>>;
  /** Set when the file is not valid Turtle; `triples` is then empty. */
  readonly error?: OntologyDiagnostic;
}

interface N3Token {
  type: string;
  line: number;
}

const PUNCTUATION = new Set(['.', ';', ',', '[', ']', '(', ')', 'eof', 'comment', '^^', 'prefix', 'PREFIX', 'base', 'BASE']);

/** Parses one Turtle document. Never throws: a syntax error becomes a located error diagnostic. */
export function parseTurtle(file: string, text: string): ParsedTurtle {
  let line = 1;
  const openers: number[] = [];
  const lines = new WeakMap<Quad, number>();
  const factory = {
    ...DataFactory,
    quad: (s: Quad['subject'], p: Quad['predicate'], o: Quad['object'], g?: Quad['graph']): Quad => {
      const q = DataFactory.quad(s, p, o, g);
      lines.set(q, line);
      return q;
    },
  };
  const prefixes: Record<string, string> = {};
  const parser = new Parser({ format: 'text/turtle', factory: factory as unknown as typeof DataFactory });
  let quads: Quad[];
  try {
    quads = parser.parse(text, {
      onPrefix: (prefix: string, iri: { value: string }) => {
        prefixes[prefix] = iri.value;
      },
      onToken: (token: N3Token) => {
        if (token.type === '[' || token.type === '(') openers.push(token.line);
        else if (!PUNCTUATION.has(token.type)) line = token.line;
      },
      onTokenEnd: (token: N3Token) => {
        // After `]`/`)` closes, the enclosing triple's object is the whole bracket: its line is the opener's.
        if (token.type === ']' || token.type === ')') line = openers.pop() ?? line;
      },
    } as never) as unknown as Quad[];
  } catch (err) {
    return { file, triples: [], prefixes, error: syntaxError(file, err) };
  }
  const triples = quads.map((q) => ({ subject: q.subject, predicate: q.predicate, object: q.object, file, line: lines.get(q) ?? 1 }));
  return { file, triples, prefixes };
}

function syntaxError(file: string, err: unknown): OntologyDiagnostic {
  const message = err instanceof Error ? err.message : String(err);
  const context = (err as { context?: { line?: number; token?: { line?: number } } } | null)?.context;
  const fromMessage = /on line (\d+)/.exec(message)?.[1];
  const line = context?.line ?? context?.token?.line ?? (fromMessage ? Number(fromMessage) : 1);
  return {
    severity: 'error',
    message: `Turtle syntax error: ${message.replace(/\s*on line \d+\.?$/, '')}`,
    location: { file, line },
  };
}
