// The cheapest answer of a flash sale. Once a pool or section is sold out, the crowd that keeps pressing
// "buy" is answered 409 sold_out as soon as the body is parsed: before the rate limiter, the pass check and
// the handler, from what the gate knows with no I/O (the memory gate's counts; the Redis gate's sold-out
// flags, src/gate/redis/sold-out-guard.ts). The answer is the one placeHold would give, and it changes
// nothing.
//
// Such a request is not counted against the rate limits: counting it costs more than answering it (in the
// distributed shape a Redis round trip, in both shapes about as much CPU as the answer itself;
// docs/benchmarks.md, "Sold-out answers before the rate limiter"), and an answer that changes nothing and
// tells what the public availability already shows needs no quota. It carries no RateLimit headers.
//
// Left to the full path, which answers them right: a request with an Idempotency-Key (a retry of an
// accepted placement must be answered as accepted), an event with a waiting room (its pass check answers
// first), an invalid body (400, as always), a buyer token naming another buyer (403), named seats, and a
// section with seats left but no block.
import type { FastifyReply, FastifyRequest, preValidationHookHandler } from 'fastify';
import type { HoldRequest } from '../../domain/types.js';
import type { QueueService } from '../../queue/queue-service.js';
import type { Reservations } from '../../service/reservations.js';
import { sendRejection } from '../error-handler.js';

export function soldOutEarly(
  reservations: Reservations,
  queue: Pick<QueueService, 'hasQueue'> | undefined,
  confirm: boolean,
): preValidationHookHandler {
  return (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (request.headers['idempotency-key'] !== undefined) return done();
    const { eventId } = request.params as { eventId: string };
    if (queue?.hasQueue(eventId) === true) return done();
    // Not validated yet (any JSON value): the gate only reads it, and a yes is believed once it is valid.
    const body = request.body;
    if (typeof body !== 'object' || body === null) return done();
    const asked = body as HoldRequest;
    if (asked.seats !== undefined) return done();
    // A buyer token naming another buyer is answered 403 buyer_mismatch, as always (access-hooks.ts).
    if (request.caller.kind === 'buyer' && asked.userId !== request.caller.buyerId) return done();
    if (!reservations.knowsSoldOut(eventId, asked)) return done();
    // Validated as Fastify would, so that an invalid body is still answered 400 by the full path. Only
    // here: a placement that goes on (an accepted hold) is validated once, by Fastify.
    if (request.getValidationFunction('body')?.(body) !== true) return done();
    sendRejection(reply, reservations.refuseSoldOut(confirm));
  };
}
