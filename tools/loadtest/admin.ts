// The admin side of a run, over the public API: create the event (or read the one named by --event), and
// read its audit at the end. These requests are not part of the measured load.
import { type EventLayout, eventDefinition, layoutFromEventView } from './event-layout.js';
import type { HttpAnswer, HttpTarget } from './http-target.js';
import { SetupError } from './setup-error.js';

export async function createEvent(
  target: HttpTarget,
  adminToken: string,
  layout: EventLayout,
  scenario: string,
  /** More of the definition: the queue scenario's waiting room. */
  extra: Readonly<Record<string, unknown>> = {},
): Promise<void> {
  const definition = { ...eventDefinition(layout, scenario), ...extra };
  const answer = await target.send('POST', '/v1/events', definition, auth(adminToken));
  if (answer.kind !== 'answer' || answer.status !== 201) {
    throw new SetupError(`Creating event ${layout.eventId} failed: ${describe(answer)}`);
  }
}

export async function readEvent(target: HttpTarget, eventId: string): Promise<EventLayout> {
  const answer = await target.send('GET', `/v1/events/${eventId}`);
  if (answer.kind !== 'answer' || answer.status !== 200) {
    throw new SetupError(`Reading event ${eventId} failed: ${describe(answer)}`);
  }
  return layoutFromEventView(eventId, answer.body);
}

/** The audit report, or a description of why there is none. */
export async function readAudit(
  target: HttpTarget,
  adminToken: string,
  eventId: string,
): Promise<{ audit: unknown } | { failure: string }> {
  const answer = await target.send('GET', `/v1/events/${eventId}/audit`, undefined, auth(adminToken));
  if (answer.kind === 'answer' && answer.status === 200) return { audit: answer.body };
  return { failure: `reading the audit failed: ${describe(answer)}` };
}

function auth(adminToken: string): Record<string, string> {
  return { authorization: `Bearer ${adminToken}` };
}

function describe(answer: HttpAnswer): string {
  if (answer.kind === 'failure') return answer.error;
  const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  return `${answer.status} ${(body ?? '').slice(0, 300)}`;
}
