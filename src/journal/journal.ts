// The journal port: makes decided log entries durable. Embedded shape: group commit into the store.
// Distributed shape: the Redis gate appends to the event's stream inside its Lua call, so no journal.
import type { LogEntry } from '../domain/log-entry.js';

/** Called when entries could not be made durable, newest first, so the decider can take them back. */
export type Undo = (entries: readonly LogEntry[]) => void;

export interface Journal {
  /** Resolves when the entries are durable; rejects after `undo` ran for them and for all appended later. */
  append(entries: readonly LogEntry[], undo: Undo): Promise<void>;
  /** Resolves when everything appended so far is durable (rejects if any of it failed). */
  sync(): Promise<void>;
  /** Entries appended but not yet durable, oldest first: of one event, or of all. */
  pending(eventId?: string): LogEntry[];
  /**
   * Runs work while no batch is being written, so the store holds exactly the durable prefix of the log and
   * pending() is exactly the rest: the audit compares gate, log and store through this window.
   */
  quiesce<T>(work: () => Promise<T>): Promise<T>;
}
