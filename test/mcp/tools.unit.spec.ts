/**
 * The pure parts of the MCP server: the tool catalogue is generated from whatever ontology is served (here the
 * library fixture, not the referral domain), and argument problems become JSON pointers — from the argument
 * schema and from graphql-js's variable errors alike.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphQLError } from 'graphql';
import { loadOntologySync } from '../../src/app/ontology/ontology-loader.ts';
import { argumentCheck } from '../../src/mcp/arguments.ts';
import { ToolArgumentsError, errorBody, issueOfGraphqlError, pointerOfPath } from '../../src/mcp/errors.ts';
import { toolCatalogue } from '../../src/mcp/tools/index.ts';
import { NotFoundError } from '../../src/core/errors.ts';

void describe('tool catalogue', () => {
  void it('follows the served ontology: a publish tool per event type, find_nodes over its classes', () => {
    const ontology = loadOntologySync('test/fixtures/ontologies/library');
    const tools = toolCatalogue(ontology, { open: false, maxResults: 1000, maxHops: 4 });
    const publish = tools.filter((t) => t.name.startsWith('publish_')).map((t) => t.name.slice('publish_'.length));
    assert.deepEqual(publish, [...ontology.eventTypes.keys()]);
    const find = tools.find((t) => t.name === 'find_nodes');
    assert.deepEqual((find?.inputSchema.properties as Record<string, { enum?: string[] }>).class?.enum, [...ontology.classes.keys()]);
    for (const t of tools) {
      assert.equal(t.inputSchema.type, 'object', t.name);
      assert.match(t.name, /^[A-Za-z0-9_-]{1,64}$/, `${t.name}: a valid MCP tool name`);
      assert.ok(!('agent' in (t.inputSchema.properties as object)), `${t.name}: no agent argument with auth on`);
    }
    const open = toolCatalogue(ontology, { open: true, maxResults: 1000, maxHops: 4 });
    assert.ok('agent' in (open.find((t) => t.name === 'claim')?.inputSchema.properties as object), 'open mode: writes name the agent');
  });
});

void describe('located argument errors', () => {
  void it('reports every schema problem with a pointer at the value', () => {
    const check = argumentCheck('t', { type: 'object', properties: { id: { type: 'string' }, limit: { type: 'integer', maximum: 10 } }, required: ['id'], additionalProperties: false });
    assert.deepEqual(check({ id: 'x', limit: 3 }), { id: 'x', limit: 3 });
    assert.throws(() => check({ limit: 11, extra: 1 }), (err: unknown) => {
      assert.ok(err instanceof ToolArgumentsError);
      assert.deepEqual(err.issues.map((i) => i.pointer).sort(), ['/extra', '/id', '/limit']);
      return true;
    });
  });

  void it('turns graphql-js variable errors into pointers', () => {
    assert.equal(pointerOfPath('where.status.in[0]'), '/where/status/in/0');
    assert.equal(pointerOfPath('a/b.c~d'), '/a~1b/c~0d');
    const nested = new GraphQLError('Variable "$where" got invalid value 5 at "where.name.eq"; String cannot represent a non string value: 5');
    assert.deepEqual(issueOfGraphqlError(nested), { pointer: '/where/name/eq', message: 'String cannot represent a non string value: 5' });
    const top = new GraphQLError('Variable "$where" got invalid value { nope: 1 }; Field "nope" is not defined by type "PatientWhere".');
    assert.deepEqual(issueOfGraphqlError(top), { pointer: '/where', message: 'Field "nope" is not defined by type "PatientWhere".' });
    assert.equal(errorBody(nested, () => undefined).pointer, '/where/name/eq');
  });

  void it('shows typed errors with their code and hides unexpected ones behind an error id', () => {
    assert.equal(errorBody(new NotFoundError('no node x'), () => undefined).code, 'NOT_FOUND');
    const logged: string[] = [];
    const hidden = errorBody(new Error('secret internals'), (l) => logged.push(l));
    assert.equal(hidden.code, 'INTERNAL');
    assert.doesNotMatch(String(hidden.message), /secret/);
    assert.match(logged[0] ?? '', new RegExp(String(hidden.errorId)));
  });
});
