// The events as the HTTP side reads and sets them up: creation with its waiting room, the list with live
// counts, an event's counts and seat map from the gate, and its queue settings. Placements and other holds'
// decisions are Reservations'; this service only says what exists and how it stands.
import type { Rejection } from '../domain/errors.js';
import type { EventDraft } from '../domain/event-spec.js';
import type { EventSpec, EventState, SeatState } from '../domain/types.js';
import type { Gate, SeatMap } from '../gate/gate.js';
import { changeQueue } from '../queue/queue-admin.js';
import type { QueueService } from '../queue/queue-service.js';
import type { QueueChange } from '../queue/queue-settings.js';
import type { QueueSettings } from '../queue/waiting-room.js';
import type { Page, Store } from '../store/store.js';
import type { Reservations } from './reservations.js';

export interface EventCatalogDeps {
  readonly reservations: Pick<Reservations, 'createEvent'>;
  readonly gate: Pick<Gate, 'eventState' | 'seatMap' | 'seatStates'>;
  readonly store: Pick<Store, 'listEvents' | 'setEventQueue'>;
  /** The waiting room; without it no event has a queue. */
  readonly queue?: QueueService;
}

/** An event of the list: its definition, and its live counts (undefined if the gate has not got it). */
export interface ListedEvent {
  readonly spec: EventSpec;
  readonly state: EventState | undefined;
}

export class EventCatalog {
  readonly #deps: EventCatalogDeps;

  constructor(deps: EventCatalogDeps) {
    this.#deps = deps;
  }

  /** Creates the event, then its waiting room if one is asked for (checked by the caller beforehand). */
  async create(draft: EventDraft, queue?: QueueChange): Promise<EventState | Rejection> {
    const created = await this.#deps.reservations.createEvent(draft);
    if ('code' in created) return created;
    if (queue !== undefined && this.#deps.queue !== undefined) {
      const set = await this.changeQueue(created.id, queue);
      if ('ok' in set) return set;
    }
    const state = await this.#deps.gate.eventState(created.id);
    if (state === undefined) throw new Error(`The gate lacks event ${created.id} just created.`);
    return state;
  }

  async list(limit: number, cursor?: string): Promise<Page<ListedEvent>> {
    const page = await this.#deps.store.listEvents(limit, cursor);
    const items = await Promise.all(
      page.items.map(async (spec) => ({ spec, state: await this.#deps.gate.eventState(spec.id) })),
    );
    return { items, nextCursor: page.nextCursor };
  }

  eventState(eventId: string): Promise<EventState | undefined> {
    return this.#deps.gate.eventState(eventId);
  }

  seatMap(eventId: string): Promise<SeatMap | undefined> {
    return this.#deps.gate.seatMap(eventId);
  }

  seatStates(eventId: string, sectionId?: string): Promise<SeatState[] | undefined> {
    return this.#deps.gate.seatStates(eventId, sectionId);
  }

  /** Sets or changes the event's waiting room: the store first, then the room (queue/queue-admin.ts). */
  changeQueue(eventId: string, change: QueueChange): Promise<QueueSettings | Rejection> {
    const { queue } = this.#deps;
    if (queue === undefined) throw new Error('This server has no waiting room.');
    return changeQueue(this.#deps.store, queue, eventId, change);
  }
}
