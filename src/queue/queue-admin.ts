// An admin's setting of an event's queue: the store first (a restart or a lost Redis finds it there), then
// the waiting room, which decides with it from then on.
import { type Rejection, reject } from '../domain/errors.js';
import type { Store } from '../store/store.js';
import type { QueueService } from './queue-service.js';
import { type QueueChange, settingsOf, specOf } from './queue-settings.js';
import type { QueueSettings } from './waiting-room.js';

export async function changeQueue(
  store: Pick<Store, 'setEventQueue'>,
  queue: QueueService,
  eventId: string,
  change: QueueChange,
): Promise<QueueSettings | Rejection> {
  const next = settingsOf(change, await queue.settings(eventId));
  if ('ok' in next) return next;
  if (!(await store.setEventQueue(eventId, specOf(next)))) return reject('event_not_found');
  await queue.configure(eventId, next);
  return next;
}

/** The queues of the store, as QueueService.restore takes them (rows that do not parse are skipped). */
export function storedQueues(rows: readonly { eventId: string; queue: object }[]) {
  const queues: { eventId: string; settings: QueueSettings }[] = [];
  for (const row of rows) {
    const settings = settingsOf(row.queue as QueueChange);
    if (!('ok' in settings)) queues.push({ eventId: row.eventId, settings });
  }
  return queues;
}
