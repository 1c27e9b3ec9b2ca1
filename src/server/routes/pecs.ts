import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { WritError } from '../../errors/writ-error.ts';
import { PECS_SCHEMAS, pecsSchemaByName } from '../../pecs/schemas/load-schemas.ts';
import type { ServerDeps } from '../server-deps.ts';

const SchemaDocument = Type.Object({}, { additionalProperties: true });
const SchemaList = Type.Object({
  schemas: Type.Array(
    Type.Object({ name: Type.String(), id: Type.String(), profile: Type.String(), title: Type.String(), url: Type.String() }, { additionalProperties: false }),
  ),
});

/**
 * The PECS JSON Schemas Writ ships, over HTTP — **public: no authentication**, because
 * they are published specifications that reveal nothing about any deployment, and
 * external validators and editors must fetch them by URL:
 * - `GET /v1/pecs/schemas`: `{ schemas: [{ name, id, profile, title, url }] }`, base first;
 * - `GET /v1/pecs/schemas/{name}` (e.g. `pecs-cicd-profile.schema.json`): the schema
 *   document as `application/schema+json`; 404 `NOT_FOUND` for any other name.
 *
 * `deps` is unused: the schemas are compiled into Writ.
 *
 * @example
 * ```ts
 * await app.register(async (scope) => pecsRoutes(scope, deps));
 * ```
 */
export async function pecsRoutes(app: FastifyInstance, _deps: ServerDeps): Promise<void> {
  const tags = ['pecs'];
  app.get(
    '/v1/pecs/schemas',
    { schema: { response: { 200: SchemaList } }, config: { openapi: { summary: 'List the PECS JSON Schemas (public)', tags } } },
    async () => ({ schemas: PECS_SCHEMAS.map((s) => ({ name: s.name, id: s.id, profile: s.profile, title: s.title, url: `/v1/pecs/schemas/${s.name}` })) }),
  );
  app.get(
    '/v1/pecs/schemas/:name',
    {
      schema: { params: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }), response: { 200: SchemaDocument } },
      config: { openapi: { summary: 'One PECS JSON Schema, e.g. pecs-cicd-profile.schema.json (public)', tags } },
    },
    async (request, reply) => {
      const { name } = request.params as { name: string };
      const found = pecsSchemaByName(name);
      if (!found) throw new WritError('NOT_FOUND', `no PECS schema named ${name}; GET /v1/pecs/schemas lists them`);
      return reply.type('application/schema+json').send(found.schema);
    },
  );
}
