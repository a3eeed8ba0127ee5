// GET /v1/events/:eventId/live: the WebSocket of live updates (docs/live.md). An unknown event is answered
// 404 `event_not_found` before the upgrade, like every other route of the event; a plain GET without an
// upgrade is 400. The messages, their coalescing and the slow-consumer rule live in src/live/.
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { ChangeFeed } from '../../live/change-feed.js';
import {
  LIVE_CLIENT_FRAME_BYTES_MAX,
  LIVE_CONNECTIONS_MAX,
  LIVE_CONNECTIONS_PER_ADDRESS_DEFAULT,
} from '../../live/limits.js';
import { LiveHub } from '../../live/live-hub.js';
import { terminateAfterGrace } from '../../live/live-socket.js';
import { createLiveMetrics } from '../../metrics/live-metrics.js';
import { QueuePush } from '../../queue/queue-push.js';
import { sendError } from '../error-handler.js';
import type { RouteDeps } from '../route-deps.js';
import { eventParams } from '../schemas.js';

interface EventParams {
  eventId: string;
}

const liveQuery = {
  type: 'object',
  properties: { queueToken: { type: 'string', maxLength: 512 } },
} as const;

export async function registerLiveRoutes(
  app: FastifyInstance,
  deps: RouteDeps,
  feed: ChangeFeed,
): Promise<void> {
  const connectionsMax = deps.liveConnectionsMax ?? LIVE_CONNECTIONS_MAX;
  const connectionsPerAddressMax = deps.liveConnectionsPerAddress ?? LIVE_CONNECTIONS_PER_ADDRESS_DEFAULT;
  const hub = new LiveHub({
    feed,
    gate: deps.events,
    metrics: createLiveMetrics(deps.metrics.registry),
    onError: (error) => app.log.warn({ err: error }, 'live updates: a read failed'),
    connectionsPerAddressMax,
  });
  const { queue } = deps;
  const queuePush =
    queue === undefined
      ? undefined
      : new QueuePush(queue, (error) => app.log.warn({ err: error }, 'live queue status: a read failed'));
  app.addHook('onClose', async () => queuePush?.close());
  await app.register(websocket, {
    // Clients only listen; a large frame from one is a misuse and closes it (1009).
    options: { maxPayload: LIVE_CLIENT_FRAME_BYTES_MAX },
    // The hub knows every live socket: it says goodbye (1001) and destroys the ones that do not answer.
    preClose: (done) => {
      hub.close();
      done();
    },
    // A client vanishing mid-frame or sending too much is routine for a public WebSocket, not an error of
    // the server. `ws` has already sent its close frame (1009 for a frame too large): give it time to leave.
    errorHandler: (error, socket, request) => {
      request.log.debug({ err: error }, 'live socket error');
      terminateAfterGrace(socket);
    },
  });
  app.route<{ Params: EventParams; Querystring: { queueToken?: string } }>({
    method: 'GET',
    url: '/v1/events/:eventId/live',
    // Hidden from the OpenAPI document, which describes HTTP operations only; docs/live.md describes it.
    schema: { hide: true, params: eventParams, querystring: liveQuery },
    preHandler: async (request, reply) => {
      if ((await deps.events.eventState(request.params.eventId)) === undefined)
        return sendError(reply, 'event_not_found');
      // The queue channel (docs/queue.md): the token names the buyer whose status this connection follows.
      const { queueToken } = request.query;
      if (
        queueToken !== undefined &&
        queue?.buyerOfQueueToken(request.params.eventId, queueToken) === undefined
      )
        return sendError(reply, 'forbidden', 'This queueToken is not one of this event.');
      if (hub.connectionCount() >= connectionsMax)
        return sendError(
          reply,
          'not_ready',
          `This instance serves ${connectionsMax} live connections already; retry in a moment.`,
        );
      // request.ip is the peer's address (or the forwarded one, where the app trusts a proxy).
      if (!hub.admits(request.ip))
        return sendError(
          reply,
          'too_many_connections',
          `This address has ${connectionsPerAddressMax} live connections open here already; close one first.`,
        );
    },
    handler: async (_request, reply) =>
      sendError(reply, 'invalid_request', 'This route is a WebSocket: connect with an Upgrade request.'),
    wsHandler: (socket, request) => {
      const { eventId } = request.params;
      const { queueToken } = request.query;
      const buyerId = queueToken === undefined ? undefined : queue?.buyerOfQueueToken(eventId, queueToken);
      socket.on('close', () => {
        hub.leave(eventId, socket);
        queuePush?.unwatch(eventId, socket);
      });
      hub.join(eventId, socket, request.ip);
      if (buyerId !== undefined) queuePush?.watch(eventId, buyerId, socket);
    },
  });
}
