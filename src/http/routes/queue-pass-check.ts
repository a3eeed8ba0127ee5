// Placements on an event whose waiting room is on need the buyer's pass in `Queue-Pass` (docs/queue.md).
// The check is an HMAC over what the pass grants, against this instance's list of queued events: no round
// trip to Redis or the store. Admin credentials (the box office) place without a pass.
import type { preHandlerHookHandler } from 'fastify';
import type { QueueService } from '../../queue/queue-service.js';
import { sendError } from '../error-handler.js';

export function queuePassCheck(queue: QueueService): preHandlerHookHandler {
  return (request, reply, done) => {
    if (request.caller.kind === 'admin') return done();
    const { eventId } = request.params as { eventId: string };
    const { userId } = request.body as { userId: string };
    const header = request.headers['queue-pass'];
    const refusal = queue.checkPass(eventId, userId, typeof header === 'string' ? header : undefined);
    if (refusal === undefined) return done();
    sendError(reply, refusal);
  };
}
