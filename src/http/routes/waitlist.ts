// The waitlist of an event (docs/waitlist.md): a buyer joins the line of a sold-out pool or section, reads
// its place, or leaves. A buyer has one entry per event, so leaving names the buyer, not an entry.
// Who: a buyer token acts for its own buyer (userId may be left out); a sales key or admin names the buyer;
// in open mode anyone names one. A buyer token naming another buyer is refused with buyer_mismatch.
import type { FastifyInstance } from 'fastify';
import { HOLD_BODY_BYTES_MAX } from '../../domain/limits.js';
import { buyerActingAs, requireActor, SECURITY } from '../access-hooks.js';
import { sendRejection } from '../error-handler.js';
import type { RouteDeps } from '../route-deps.js';
import { errors, eventParams, waitlistBody, waitlistQuery, waitlistView } from '../schemas.js';
import { waitlistJson } from '../views.js';

interface JoinRoute {
  Params: { eventId: string };
  Body: { userId?: string; quantity: number; poolId?: string; sectionId?: string };
}

interface BuyerRoute {
  Params: { eventId: string };
  Querystring: { userId?: string };
}

export function registerWaitlistRoutes(app: FastifyInstance, { reservations, access }: RouteDeps): void {
  const actor = requireActor(access.mode);
  app.post<JoinRoute>(
    '/v1/events/:eventId/waitlist',
    {
      onRequest: actor,
      bodyLimit: HOLD_BODY_BYTES_MAX,
      schema: {
        summary:
          'Join the waitlist of a sold-out pool or section (409 not_sold_out while the request could be placed). When stock comes back, the first buyer in line whose request fits gets it as a hold (an offer) in the same step, announced on the live channel. Joining again with the same request answers the same place (200).',
        tags: ['waitlist'],
        security: SECURITY.actor,
        params: eventParams,
        body: waitlistBody,
        response: { 200: waitlistView, 201: waitlistView, ...errors(400, 401, 403, 404, 409, 413, 415, 503) },
      },
    },
    async (request, reply) => {
      const { userId, quantity, poolId, sectionId } = request.body;
      const buyer = buyerActingAs(request, reply, userId);
      if (buyer === undefined) return reply;
      const result = await reservations.joinWaitlist(request.params.eventId, {
        userId: buyer,
        quantity,
        poolId,
        sectionId,
      });
      if ('code' in result) return sendRejection(reply, result);
      return reply
        .code(result.created ? 201 : 200)
        .send(waitlistJson(result.spot.entry, result.spot.position));
    },
  );

  app.get<BuyerRoute>(
    '/v1/events/:eventId/waitlist/me',
    {
      onRequest: actor,
      schema: {
        summary:
          "The buyer's place on the event's waitlist (404 waitlist_entry_not_found when not in line, or once an offer was made).",
        tags: ['waitlist'],
        security: SECURITY.actor,
        params: eventParams,
        querystring: waitlistQuery,
        response: { 200: waitlistView, ...errors(400, 401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      const buyer = buyerActingAs(request, reply, request.query.userId);
      if (buyer === undefined) return reply;
      const result = await reservations.waitlistSpot(request.params.eventId, buyer);
      if ('code' in result) return sendRejection(reply, result);
      return waitlistJson(result.entry, result.position);
    },
  );

  app.delete<BuyerRoute>(
    '/v1/events/:eventId/waitlist',
    {
      onRequest: actor,
      schema: {
        summary: "Leave the event's waitlist: the buyer's one entry is removed.",
        tags: ['waitlist'],
        security: SECURITY.actor,
        params: eventParams,
        querystring: waitlistQuery,
        response: { 200: waitlistView, ...errors(400, 401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      const buyer = buyerActingAs(request, reply, request.query.userId);
      if (buyer === undefined) return reply;
      const result = await reservations.leaveWaitlist(request.params.eventId, buyer);
      if ('code' in result) return sendRejection(reply, result);
      return waitlistJson(result);
    },
  );
}
