// buildApp(deps) assembles the HTTP API and never listens: tests drive it with app.inject(), main.ts calls
// listen(). Adapters are chosen by the caller; the app gets ports, and its routes the services made of them
// (route-deps.ts). The caller wraps its ports so that their outages are domain errors (store/unavailable.ts,
// gate/redis/unavailable.ts).
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type onResponseHookHandler,
} from 'fastify';
import { Access, type AccessSettings, OPEN_ACCESS } from '../auth/access.js';
import type { Revocations } from '../auth/revocations.js';
import { DomainError } from '../domain/errors.js';
import { HOLD_BODY_BYTES_MAX, JSON_DEPTH_MAX } from '../domain/limits.js';
import type { Gate } from '../gate/gate.js';
import type { Journal } from '../journal/journal.js';
import type { ChangeFeed } from '../live/change-feed.js';
import type { Metrics } from '../metrics/metrics.js';
import type { QueueService } from '../queue/queue-service.js';
import { installRateLimits, type RateLimitOptions } from '../ratelimit/rate-limits.js';
import type { AuditReport } from '../service/audit.js';
import type { Reservations } from '../service/reservations.js';
import type { Store } from '../store/store.js';
import { registerWebhookRoutes, type WebhookRouteDeps } from '../webhooks/webhook-routes.js';
import { installCallerResolution, SECURITY_SCHEMES } from './access-hooks.js';
import { jsonNestsDeeperThan, refuseBodiesWhereNoneIsTaken } from './body-rules.js';
import { answerClientError } from './client-errors.js';
import { installErrorHandling, sendError } from './error-handler.js';
import { routeDepsOf } from './route-deps.js';
import { registerApiKeyRoutes } from './routes/api-keys.js';
import { registerAuditRoutes } from './routes/audit.js';
import { registerBuyerRoutes } from './routes/buyers.js';
import { registerEventChangeRoutes } from './routes/event-changes.js';
import { registerEventRoutes } from './routes/events.js';
import { registerHoldRoutes } from './routes/holds.js';
import { registerLiveRoutes } from './routes/live.js';
import { registerOperationRoutes } from './routes/operations.js';
import { registerOrderRoutes } from './routes/orders.js';
import { registerQueueRoutes } from './routes/queue.js';
import { registerReadRoutes } from './routes/reads.js';
import { registerSeatMapRoutes } from './routes/seat-map.js';
import { registerQueuePage, registerSeatMapPage } from './routes/seat-map-page.js';
import { registerWaitlistRoutes } from './routes/waitlist.js';
import { errorBody } from './schemas.js';
import {
  boundConnections,
  SERVER_LIMITS_DEFAULT,
  type ServerLimits,
  serverTimeoutOptions,
} from './server-limits.js';

export interface AppDeps {
  readonly reservations: Reservations;
  readonly gate: Gate;
  readonly store: Store;
  readonly journal?: Journal;
  /** The audit of the shape; by default the embedded one over gate, journal and store. */
  readonly audit?: (eventId: string) => Promise<AuditReport | undefined>;
  readonly metrics: Metrics;
  readonly adminToken: string;
  readonly logger?: FastifyBaseLogger;
  /** Durable changes as they happen; with it the app serves the live WebSocket and the seat map at `/`. */
  readonly feed?: ChangeFeed;
  /** Live connections this instance serves at most (default LIVE_CONNECTIONS_MAX). */
  readonly liveConnectionsMax?: number;
  /** Timeouts and the connection bound of the server (default SERVER_LIMITS_DEFAULT). */
  readonly serverLimits?: ServerLimits;
  /** Live connections one client address may hold here (default LIVE_CONNECTIONS_PER_ADDRESS_DEFAULT). */
  readonly liveConnectionsPerAddress?: number;
  /** Rate limits per address, buyer and API key (src/ratelimit/); none when absent. */
  readonly rateLimits?: RateLimitOptions;
  /** Proxies in front whose X-Forwarded-For is believed (hops); false: the peer is the client. */
  readonly trustProxy?: false | number;
  /** Buyer verification, buyer token keys and the metrics token; by default `open` with no buyer tokens. */
  readonly accessSettings?: AccessSettings;
  /** How key revocations reach the other instances (distributed: Redis pub/sub). */
  readonly revocations?: Revocations;
  /** Webhook endpoints (src/webhooks/): with them the app serves /v1/webhooks. */
  readonly webhooks?: WebhookRouteDeps;
  /** The waiting room (src/queue/); without it events have no queue and placements need no pass. */
  readonly queue?: QueueService;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const serverLimits = deps.serverLimits ?? SERVER_LIMITS_DEFAULT;
  const app = Fastify({
    ...serverTimeoutOptions(serverLimits),
    // Requests the HTTP parser refuses get the contract's error shape too.
    clientErrorHandler: answerClientError,
    loggerInstance: deps.logger,
    // Behind N proxies, the client is the address the N-th one (counted from us) put in X-Forwarded-For;
    // anything further left was written by the client and proves nothing.
    trustProxy: trustHops(deps.trustProxy ?? false),
    // No log line per request: at 30k requests/s the log would cost more than the work.
    logController: new LogController({ disableRequestLogging: true }),
    // Requests share the app's logger instead of a pino child each (Fastify's default, to bind reqId): with
    // nothing logged per request, the child is pure cost on the hot path. Errors carry method and url.
    childLoggerFactory: (logger) => logger,
    // Small unless a route says otherwise: event creation sets its own, larger, limit.
    bodyLimit: HOLD_BODY_BYTES_MAX,
    // Venue names may be 200 characters (400 UTF-16 units); the router's default of 100 cut them off.
    routerOptions: { maxParamLength: 512 },
    // Errors the router raises before any route runs: the same error shape as everything else.
    frameworkErrors: (error, _request, reply) => {
      sendError(
        reply,
        'invalid_request',
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? 'A path parameter is too long.'
          : 'The URL is not validly percent-encoded.',
      );
    },
    ajv: {
      // Strict: "2" is not a quantity, and unknown fields are an error, not silently dropped.
      customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false },
    },
  });
  boundConnections(app.server, serverLimits);
  installErrorHandling(app);
  installJsonOnlyParser(app);
  refuseBodiesWhereNoneIsTaken(app);
  const access = new Access(
    deps.accessSettings ?? OPEN_ACCESS,
    deps.adminToken,
    deps.store,
    deps.revocations,
  );
  app.addHook('onClose', async () => access.close());
  installCallerResolution(app, access);
  const routeDeps = routeDepsOf(deps, access);
  app.addSchema(errorBody);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'boxoffice', version: '1', description: 'Ticket reservation engine for flash sales.' },
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    transformObject: (documentObject) =>
      'openapiObject' in documentObject
        ? withOptionalBodies(documentObject.openapiObject)
        : documentObject.swaggerObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  // Every route registered after this records its duration, through a recorder made once per route.
  app.addHook('onRoute', (route) => {
    const record = deps.metrics.requestRecorder(String(route.method), route.url);
    const onResponse: onResponseHookHandler = (_request, reply, done) => {
      record(reply.statusCode, reply.elapsedTime);
      done();
    };
    route.onResponse = [...[route.onResponse ?? []].flat(), onResponse];
  });
  if (deps.rateLimits !== undefined) installRateLimits(app, deps.rateLimits);
  registerEventRoutes(app, routeDeps);
  registerEventChangeRoutes(app, routeDeps);
  registerSeatMapRoutes(app, routeDeps);
  registerHoldRoutes(app, routeDeps);
  registerWaitlistRoutes(app, routeDeps);
  registerReadRoutes(app, routeDeps);
  registerOrderRoutes(app, routeDeps);
  registerBuyerRoutes(app, routeDeps);
  registerAuditRoutes(app, routeDeps);
  registerApiKeyRoutes(app, routeDeps);
  registerOperationRoutes(app, routeDeps);
  if (deps.webhooks !== undefined) registerWebhookRoutes(app, deps.webhooks);
  if (deps.queue !== undefined) registerQueueRoutes(app, routeDeps, deps.queue);
  if (deps.feed !== undefined) {
    await registerLiveRoutes(app, routeDeps, deps.feed);
    registerSeatMapPage(app);
    if (deps.queue !== undefined) registerQueuePage(app);
  }
  return app;
}

function trustHops(hops: false | number): false | ((address: string, hop: number) => boolean) {
  return hops === false ? false : (_address, hop) => hop < hops;
}

/**
 * The API reads JSON only: a text/plain body is 415 like any other non-JSON type. Many clients send
 * `Content-Type: application/json` with no body on POST /confirm: an empty body is "no body" (the schema
 * then decides); anything nested too deep is refused unparsed; the rest goes through Fastify's own parser,
 * which keeps its prototype-poisoning protection.
 */
function installJsonOnlyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    if (jsonNestsDeeperThan(body as string, JSON_DEPTH_MAX)) return done(new DomainError('json_too_deep'));
    return parseJson(request, body as string, done);
  });
}

/**
 * Routes whose body may be left out (confirm: the payment details are optional; joining a queue with a buyer
 * token names no one). The generator marks every
 * body required; the document must say what the server accepts.
 */
const OPTIONAL_BODIES: readonly [path: string, method: string][] = [
  ['/v1/holds/{holdId}/confirm', 'post'],
  ['/v1/events/{eventId}/queue', 'post'],
];

function withOptionalBodies<T>(document: T): T {
  const paths = (
    document as { paths?: Record<string, Record<string, { requestBody?: { required?: boolean } }>> }
  ).paths;
  for (const [path, method] of OPTIONAL_BODIES) {
    const body = paths?.[path]?.[method]?.requestBody;
    if (body !== undefined) body.required = false;
  }
  return document;
}
