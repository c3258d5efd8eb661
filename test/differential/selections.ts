/**
 * GraphQL selection sets derived from the served schema (introspection), so the differential test asks for every
 * field of every class — scalars, multi-valued properties, relationships in both directions, counts, provenance,
 * history, marks and claims — without a hand-written list that would drift from the ontology.
 */
import {
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
} from 'graphql';

/** Fields every node has; `history` leaves out `committedAt` (the store's wall clock — store-specific). */
const NODE_COMMON = `id _class _labels
  _provenance { eventId source time seq createdSeq }
  history(first: 8) { seq kind eventId type source time subject changes }
  marks { id kind strength initialStrength halfLifeMs expiresAt agent note createdAt reinforcedAt nodeId }
  claims { nodeId purpose agent token expiresAt grantedAt }`;

export const NODE_REF = '__typename ... on Node { id _class }';
export const PROVENANCE = '_provenance { eventId source time seq createdSeq }';

export interface ClassInfo {
  /** The GraphQL type (= ontology class) name. */
  readonly type: string;
  /** Root field for one node, e.g. `referral`. */
  readonly one: string;
  /** Root field for the list, e.g. `referrals`. */
  readonly many: string;
  /** Scalar / enum fields (single or list) besides id. */
  readonly scalars: readonly string[];
  /** Connection fields (to-many relationships, either direction). */
  readonly connections: readonly string[];
  /** Filter keys of `<Type>Where` with their input type name (StringFilter, RelationshipFilter…). */
  readonly where: ReadonlyMap<string, string>;
  /** Sort fields of `<Type>SortField`. */
  readonly sortFields: readonly string[];
}

const isConnection = (f: GraphQLField<unknown, unknown>): boolean => getNamedType(f.type).name.endsWith('Connection');
const SKIP = new Set(['id', '_class', '_labels', '_provenance', 'history', 'marks', 'claims']);

/** Every class with a root list field. */
export function classesOf(schema: GraphQLSchema): ClassInfo[] {
  const query = schema.getQueryType()!.getFields();
  const out: ClassInfo[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || !type.getInterfaces().some((i) => i.name === 'Node')) continue;
    const one = type.name[0]!.toLowerCase() + type.name.slice(1);
    const many = Object.keys(query).find((k) => k !== one && getNamedType(query[k]!.type).name === `${type.name}Connection`);
    if (!many || !query[one]) continue;
    const fields = Object.values(type.getFields()).filter((f) => !SKIP.has(f.name));
    const whereType = schema.getType(`${type.name}Where`);
    const sortType = schema.getType(`${type.name}SortField`);
    out.push({
      type: type.name,
      one,
      many,
      scalars: fields.filter((f) => isScalarType(getNamedType(f.type)) || isEnumType(getNamedType(f.type))).map((f) => f.name),
      connections: fields.filter(isConnection).map((f) => f.name),
      where: new Map(whereType && 'getFields' in whereType
        ? Object.values((whereType as unknown as GraphQLObjectType).getFields()).filter((f) => f.name !== 'AND').map((f) => [f.name, getNamedType(f.type).name])
        : []),
      sortFields: sortType && isEnumType(sortType) ? sortType.getValues().map((v) => v.name) : [],
    });
  }
  return out.sort((a, b) => a.type.localeCompare(b.type));
}

/** Everything about one node: own fields, single relationships, each connection's first page and count. */
export function fullSelection(schema: GraphQLSchema, typeName: string): string {
  const type = schema.getType(typeName) as GraphQLObjectType;
  const parts = [NODE_COMMON];
  for (const f of Object.values(type.getFields())) {
    if (SKIP.has(f.name)) continue;
    const named = getNamedType(f.type);
    if (isScalarType(named) || isEnumType(named)) parts.push(f.name);
    else if (isConnection(f)) parts.push(`${f.name} { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${NODE_REF} } } }`);
    else if (isObjectType(named) || isInterfaceType(named) || isUnionType(named)) parts.push(`${f.name} { ${NODE_REF} }`);
  }
  return parts.join('\n  ');
}

/** A list item: the node's own scalars (what sorting and filtering act on). */
export function rowSelection(info: ClassInfo): string {
  return `id _class ${PROVENANCE} ${info.scalars.join(' ')}`;
}
