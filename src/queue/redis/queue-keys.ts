// The Redis keys of an event's waiting room: under the event's hash tag {ev:<id>}, beside the gate's keys,
// so that every script touches one slot. The set of queued events is one key outside any event's slot,
// written with plain commands, never inside a script.
export function queueKeys(eventId: string): readonly string[] {
  const tag = `{ev:${eventId}}`;
  return [
    `${tag}:queue`,
    `${tag}:queue:line`,
    `${tag}:queue:seen`,
    `${tag}:queue:members`,
    `${tag}:queue:active`,
    `${tag}:queue:admissions`,
  ];
}

/** Set: the ids of every event with a queue. */
export const QUEUED_EVENTS_KEY = 'boxoffice:queued-events';
/** String: the pass signing key generated when BOXOFFICE_QUEUE_SECRET is unset, shared by every instance. */
export const QUEUE_SECRET_KEY = 'boxoffice:queue-secret';
