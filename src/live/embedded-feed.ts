// The change feed of the embedded shape: the group commit hands over every batch once it is durable
// (GroupCommit.onDurable), and this fans it out by event. One call per batch, no work when nobody listens.
import type { LogEntry } from '../domain/log-entry.js';
import type { ChangeFeed, FeedListener } from './change-feed.js';

export class EmbeddedFeed implements ChangeFeed {
  readonly #listeners = new Map<string, Set<FeedListener>>();
  readonly #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void = () => {}) {
    this.#onError = onError;
  }

  subscribe(eventId: string, listener: FeedListener): () => void {
    let listeners = this.#listeners.get(eventId);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(eventId, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#listeners.get(eventId) === listeners) this.#listeners.delete(eventId);
    };
  }

  /** Publishing is synchronous and in commit order: a subscriber is complete from the moment it subscribes. */
  ready(): Promise<void> {
    return Promise.resolve();
  }

  /** The durable-batch listener: entries of one committed batch, in log order, of any events. */
  readonly publish = (entries: readonly LogEntry[]): void => {
    if (this.#listeners.size === 0 || entries.length === 0) return;
    const firstEventId = (entries[0] as LogEntry).eventId;
    if (ofOneEvent(entries, firstEventId)) {
      this.#deliver(firstEventId, entries);
      return;
    }
    const byEvent = new Map<string, LogEntry[]>();
    for (const entry of entries) {
      if (!this.#listeners.has(entry.eventId)) continue;
      const list = byEvent.get(entry.eventId);
      if (list === undefined) byEvent.set(entry.eventId, [entry]);
      else list.push(entry);
    }
    for (const [eventId, list] of byEvent) this.#deliver(eventId, list);
  };

  #deliver(eventId: string, entries: readonly LogEntry[]): void {
    const listeners = this.#listeners.get(eventId);
    if (listeners === undefined) return;
    for (const listener of listeners) {
      // One faulty listener must not keep the batch from the others, nor reach the group commit.
      try {
        listener(entries);
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}

/** A flash sale's batches are usually of one event: then the batch is handed over as it is. */
function ofOneEvent(entries: readonly LogEntry[], eventId: string): boolean {
  for (const entry of entries) if (entry.eventId !== eventId) return false;
  return true;
}
