/** Custom scalars: Date, DateTime and URI are validated strings; JSON is any JSON value. */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

function stringScalar(name: string, description: string, valid: (s: string) => boolean, hint: string): GraphQLScalarType {
  const check = (value: unknown): string => {
    if (typeof value !== 'string' || !valid(value)) {
      throw new GraphQLError(`${name} cannot represent ${JSON.stringify(value)}: expected ${hint}`);
    }
    return value;
  };
  return new GraphQLScalarType({
    name,
    description,
    serialize: (v) => (typeof v === 'string' ? v : String(v)),
    parseValue: check,
    parseLiteral: (ast) => {
      if (ast.kind !== Kind.STRING) throw new GraphQLError(`${name} must be a string literal (${hint})`, { nodes: ast });
      return check(ast.value);
    },
  });
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export const DateScalar = stringScalar('Date', 'ISO 8601 calendar date, e.g. 2026-11-21.', (s) => DATE.test(s) && !Number.isNaN(Date.parse(s)), 'YYYY-MM-DD');
export const DateTimeScalar = stringScalar(
  'DateTime',
  'ISO 8601 date-time with offset, e.g. 2026-11-21T09:00:00Z.',
  (s) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)),
  'an ISO 8601 date-time with offset, e.g. 2026-11-21T09:00:00Z',
);
export const UriScalar = stringScalar('URI', 'An absolute URI.', (s) => URL.canParse(s), 'an absolute URI such as https://example.org/x');

function literalToJson(ast: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
    case Kind.ENUM:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((v) => literalToJson(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literalToJson(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
  }
}

export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: (ast, variables) => literalToJson(ast, variables),
});

export const scalarResolvers = { Date: DateScalar, DateTime: DateTimeScalar, URI: UriScalar, JSON: JsonScalar };
