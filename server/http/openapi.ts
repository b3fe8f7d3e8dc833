import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { Config } from '../config.ts';

/** The OpenAPI document at /api/openapi.json, generated from the routes' zod schemas, and a browsable reference at /api/docs. */
export async function registerOpenApi(app: FastifyInstance, config: Pick<Config, 'publicUrl'>) {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Groundswell API',
        version: '1',
        description:
          'Every dashboard screen uses this API. Authenticate with an API key created in Settings → API keys: ' +
          '`Authorization: Bearer gs_…`. Errors are RFC 9457 problem+json with a stable `code` and field-level `errors`.',
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from Settings → API keys' },
          session: { type: 'apiKey', in: 'cookie', name: 'gs_session' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true, uiConfig: { deepLinking: true } });
}
