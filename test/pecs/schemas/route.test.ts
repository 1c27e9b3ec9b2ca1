/** `GET /v1/pecs/schemas[/:name]`: public, serves each shipped schema byte-for-byte as data. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import { PECS_SCHEMAS } from '../../../src/pecs/schemas/load-schemas.ts';
import { installProblemHandlers } from '../../../src/server/problem.ts';
import { pecsRoutes } from '../../../src/server/routes/pecs.ts';
import type { ServerDeps } from '../../../src/server/server-deps.ts';

let app: FastifyInstance;
before(async () => {
  // The routes need no dependency; an app with the server's validator and problem handlers suffices.
  app = Fastify();
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  installProblemHandlers(app);
  await app.register(async (scope) => pecsRoutes(scope, {} as ServerDeps));
});
after(async () => {
  await app.close();
});

test('the list names every shipped schema with its $id and URL, without credentials', async () => {
  const res = await app.inject({ method: 'GET', url: '/v1/pecs/schemas' });
  assert.equal(res.statusCode, 200);
  const list = res.json().schemas as Array<{ name: string; id: string; url: string; profile: string }>;
  assert.deepEqual(
    list.map((s) => [s.name, s.id, s.profile]),
    PECS_SCHEMAS.map((s) => [s.name, s.id, s.profile]),
  );
  for (const s of list) assert.equal(s.url, `/v1/pecs/schemas/${s.name}`);
});

for (const schema of PECS_SCHEMAS) {
  test(`GET /v1/pecs/schemas/${schema.name} serves that schema`, async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/pecs/schemas/${schema.name}` });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/schema\+json/);
    assert.deepEqual(res.json(), schema.schema);
  });
}

test('an unknown schema name is a 404 problem', async () => {
  const res = await app.inject({ method: 'GET', url: '/v1/pecs/schemas/pecs-windows-profile.schema.json' });
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().code, 'NOT_FOUND');
});
