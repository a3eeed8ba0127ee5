// API keys (admin only): create (the secret is in this one answer), list without secrets, revoke. A revoked
// key stops working on this instance at once and on every other within KEY_CACHE_TTL_MS.
import type { FastifyInstance } from 'fastify';
import type { ApiKey, ApiKeyRole } from '../../domain/api-key.js';
import { PAGE_SIZE_MAX } from '../../domain/limits.js';
import { requireAdmin, SECURITY } from '../access-hooks.js';
import { sendError } from '../error-handler.js';
import type { RouteDeps } from '../route-deps.js';
import {
  apiKeyList,
  apiKeyParams,
  apiKeyView,
  createApiKeyBody,
  createdApiKeyView,
  errors,
  pageQuery,
} from '../schemas.js';
import { pageSize } from './events.js';

export function registerApiKeyRoutes(app: FastifyInstance, { apiKeys, access }: RouteDeps): void {
  app.post<{ Body: { name: string; role: ApiKeyRole } }>(
    '/v1/api-keys',
    {
      onRequest: requireAdmin,
      schema: {
        summary:
          'Create an API key (admin). Its secret is shown in this answer only; the store keeps a hash.',
        tags: ['api-keys'],
        security: SECURITY.admin,
        body: createApiKeyBody,
        response: { 201: createdApiKeyView, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const { key, credential } = await apiKeys.create(request.body.name, request.body.role);
      return reply.code(201).send({ ...apiKeyJson(key), secret: credential });
    },
  );

  app.get<{ Querystring: { limit?: string; cursor?: string } }>(
    '/v1/api-keys',
    {
      onRequest: requireAdmin,
      schema: {
        summary: 'API keys, revoked ones too, without their secrets (admin).',
        tags: ['api-keys'],
        security: SECURITY.admin,
        querystring: pageQuery,
        response: { 200: apiKeyList, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const limit = pageSize(request.query.limit);
      if (limit === undefined)
        return sendError(reply, 'invalid_request', `limit must be from 1 to ${PAGE_SIZE_MAX}.`);
      const page = await apiKeys.list(limit, request.query.cursor);
      return { apiKeys: page.items.map(apiKeyJson), nextCursor: page.nextCursor };
    },
  );

  app.delete<{ Params: { keyId: string } }>(
    '/v1/api-keys/:keyId',
    {
      onRequest: requireAdmin,
      schema: {
        summary: 'Revoke an API key (admin); revoking twice answers the same.',
        tags: ['api-keys'],
        security: SECURITY.admin,
        params: apiKeyParams,
        response: { 200: apiKeyView, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const key = await apiKeys.revoke(request.params.keyId);
      if (key === undefined) return sendError(reply, 'api_key_not_found');
      await access.revoked(key.id);
      return apiKeyJson(key);
    },
  );
}

function apiKeyJson(key: ApiKey) {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    createdAt: new Date(key.createdAtMs).toISOString(),
    revokedAt: key.revokedAtMs === undefined ? undefined : new Date(key.revokedAtMs).toISOString(),
  };
}
