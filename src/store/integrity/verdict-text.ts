// The integrity verdict in words: one line that refuses a start, and one line per event for
// `boxoffice reconcile --check`.
import type { IntegrityVerdict, Mismatch } from './integrity-check.js';
import { whatToDo } from './store-damaged.js';

/** Events named in the one-line refusal; the rest are counted (the full list is reconcile --check's). */
const REFUSAL_EVENTS_MAX = 3;

export function refusalOf(dataDir: string, verdict: IntegrityVerdict): string {
  const problem =
    verdict.unreadable !== undefined
      ? `PostgreSQL could not read it (${verdict.unreadable})`
      : describeEvents(verdict.mismatches);
  return `The store in ${dataDir} failed its integrity check at start, so the server did not start: ${problem}. ${whatToDo(dataDir)}`;
}

/** One line per event: its counts, and DAMAGED with what differs, or intact. */
export function reportOf(verdict: IntegrityVerdict): string[] {
  if (verdict.unreadable !== undefined) return [`store unreadable: ${verdict.unreadable}`];
  const byEvent = groupByEvent(verdict.mismatches);
  const lines = verdict.events.map((eventId) => {
    const found = byEvent.get(eventId);
    return found === undefined
      ? `${eventId}: intact`
      : `${eventId}: DAMAGED: ${found.map(phrase).join('; ')}`;
  });
  // Events a witness knows that the events table lost.
  for (const [eventId, found] of byEvent) {
    if (!verdict.events.includes(eventId)) lines.push(`${eventId}: DAMAGED: ${found.map(phrase).join('; ')}`);
  }
  return lines;
}

function describeEvents(mismatches: readonly Mismatch[]): string {
  const byEvent = [...groupByEvent(mismatches)];
  const named = byEvent
    .slice(0, REFUSAL_EVENTS_MAX)
    .map(([eventId, found]) => `event "${eventId}" has ${found.map(phrase).join(', ')}`);
  const more = byEvent.length - REFUSAL_EVENTS_MAX;
  return named.join('; ') + (more > 0 ? `; and ${more} more events differ` : '');
}

function phrase(mismatch: Mismatch): string {
  if (mismatch.what === 'event') {
    return mismatch.found === 'missing'
      ? `no row in the events table though ${mismatch.witness} know it`
      : `no entry in ${mismatch.witness}`;
  }
  if (mismatch.what === 'seat index') {
    return `${mismatch.found} seat tickets in the unique seat index, ${mismatch.expected} in the tickets table`;
  }
  return `${mismatch.found} ${mismatch.what} where ${mismatch.witness} expect ${mismatch.expected}`;
}

function groupByEvent(mismatches: readonly Mismatch[]): Map<string, Mismatch[]> {
  const byEvent = new Map<string, Mismatch[]>();
  for (const mismatch of mismatches) {
    const list = byEvent.get(mismatch.eventId) ?? [];
    list.push(mismatch);
    byEvent.set(mismatch.eventId, list);
  }
  return byEvent;
}
