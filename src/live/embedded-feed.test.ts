import { describe, expect, it } from 'vitest';
import type { HoldEntry, LogEntry } from '../domain/log-entry.js';
import { GroupCommit } from '../journal/group-commit.js';
import { EmbeddedFeed } from './embedded-feed.js';

/** The hold of an entry (these tests log hold entries only). */
const idOf = (entry: LogEntry): string => (entry as HoldEntry).hold.id;

function placed(eventId: string, n: number): LogEntry {
  const hold = {
    id: `h.${eventId}.${n}`,
    eventId,
    userId: 'u',
    status: 'held' as const,
    items: [{ seatId: `A-1-${n}`, quantity: 1, price: 1 }],
    total: 1,
    createdAtMs: 0,
    expiresAtMs: 1,
  };
  return { type: 'hold_placed', eventId, atMs: 0, hold };
}

/** A group commit over a write that can be made to fail, announcing durable batches to a feed. */
function journalWithFeed(onError?: (error: unknown) => void) {
  let failNext = false;
  const journal = new GroupCommit(async () => {
    if (failNext) {
      failNext = false;
      throw new Error('disk full');
    }
  });
  const feed = new EmbeddedFeed(onError);
  journal.onDurable(feed.publish);
  return { journal, feed, failNext: () => (failNext = true) };
}

describe('EmbeddedFeed over GroupCommit.onDurable', () => {
  it('hands each committed batch to the listeners of its events, in log order, once', async () => {
    const { journal, feed } = journalWithFeed();
    const seen: string[][] = [];
    const other: string[][] = [];
    feed.subscribe('e', (entries) => seen.push(entries.map((entry) => idOf(entry))));
    feed.subscribe('f', (entries) => other.push(entries.map((entry) => idOf(entry))));
    await Promise.all([
      journal.append([placed('e', 1)], () => {}),
      journal.append([placed('f', 1)], () => {}),
      journal.append([placed('e', 2), placed('e', 3)], () => {}),
    ]);
    expect(seen).toEqual([['h.e.1', 'h.e.2', 'h.e.3']]);
    expect(other).toEqual([['h.f.1']]);
    await journal.append([placed('e', 4)], () => {});
    expect(seen).toEqual([['h.e.1', 'h.e.2', 'h.e.3'], ['h.e.4']]);
  });

  it('never announces entries whose commit failed and were undone', async () => {
    const { journal, feed, failNext } = journalWithFeed();
    const seen: string[] = [];
    feed.subscribe('e', (entries) => seen.push(...entries.map((entry) => idOf(entry))));
    failNext();
    await expect(journal.append([placed('e', 1)], () => {})).rejects.toThrow('disk full');
    await journal.append([placed('e', 2)], () => {});
    expect(seen).toEqual(['h.e.2']);
  });

  it('stops delivering on unsubscribe, and a throwing listener harms neither others nor the journal', async () => {
    const errors: unknown[] = [];
    const { journal, feed } = journalWithFeed((error) => errors.push(error));
    const seen: string[] = [];
    feed.subscribe('e', () => {
      throw new Error('listener bug');
    });
    const unsubscribe = feed.subscribe('e', (entries) => seen.push(...entries.map((entry) => idOf(entry))));
    await journal.append([placed('e', 1)], () => {});
    unsubscribe();
    await journal.append([placed('e', 2)], () => {});
    expect(seen).toEqual(['h.e.1']);
    expect(errors).toHaveLength(2);
  });
});
