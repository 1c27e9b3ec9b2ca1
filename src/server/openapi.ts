import type { FastifyInstance, RouteOptions } from 'fastify';
import { Problem } from '../contracts/problem.ts';

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
}

/** OpenAPI 3.1 document built from the routes' own schemas. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, unknown>;
}

function toOpenApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parametersOf(schema: Record<string, unknown> | undefined, where: 'path' | 'query'): unknown[] {
  const props = (schema?.properties ?? {}) as Record<string, unknown>;
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => ({ name, in: where, required: where === 'path' || required.has(name), schema: s }));
}

/**
 * Collects every route registered after this call and serves them as OpenAPI 3.1
 * at `GET /openapi.json`. The wire schemas are defined once (TypeBox) and reused.
 *
 * @example
 * ```ts
 * installOpenApi(app, '0.1.0'); // then register routes
 * ```
 */
export function installOpenApi(app: FastifyInstance, version: string): void {
  const doc: OpenApiDocument = {
    openapi: '3.1.0',
    info: { title: 'Writ', version },
    paths: {},
    components: {
      schemas: { Problem },
      securitySchemes: { adminBearer: { type: 'http', scheme: 'bearer', description: 'local admin credential or OIDC admin token' } },
    },
  };
  app.addHook('onRoute', (route: RouteOptions) => {
    const config = (route.config ?? {}) as { openapi?: { hide?: boolean; summary?: string; admin?: boolean; tags?: string[] } };
    if (config.openapi?.hide) return;
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD');
    const schema = (route.schema ?? {}) as Record<string, unknown>;
    const responses: Record<string, unknown> = {};
    for (const [status, s] of Object.entries((schema.response ?? {}) as Record<string, unknown>)) {
      responses[status] = { description: String(status), content: { 'application/json': { schema: s } } };
    }
    responses.default = { description: 'problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
    const path = toOpenApiPath(route.url);
    for (const method of methods) {
      const op: Operation = {
        responses,
        parameters: [
          ...parametersOf(schema.params as Record<string, unknown> | undefined, 'path'),
          ...parametersOf(schema.querystring as Record<string, unknown> | undefined, 'query'),
        ],
      };
      if (config.openapi?.summary) op.summary = config.openapi.summary;
      if (config.openapi?.tags) op.tags = config.openapi.tags;
      if (config.openapi?.admin) op.security = [{ adminBearer: [] }];
      if (schema.body) op.requestBody = { required: true, content: { 'application/json': { schema: schema.body } } };
      (doc.paths[path] ??= {})[method.toLowerCase()] = op;
    }
  });
  app.get('/openapi.json', { config: { openapi: { hide: true } } }, async () => doc);
}
