// The waiting room of the embedded shape: every event's line in this process's memory. A restart empties
// the lines (the settings are kept by the store): buyers join again, and the ones who held passes keep
// them, since passes are signed tokens checked without this state.
// Admissions go to the journal (the group commit of the log file, beside the gate's entries) in the step
// that decides them; a step answers once they are durable. A commit that fails undoes them: the buyers are
// at the head of the line again and a later step admits them, so every admission is in the log once.
import type { LogEntry, QueueAdmitted } from '../../domain/log-entry.js';
import type { Journal } from '../../journal/journal.js';
import {
  ADMISSION_BURST_SECONDS,
  ADMISSION_STEP_MAX,
  type AdmissionStep,
  type Admitted,
  PASSES_PER_AVAILABLE_TICKET,
  QUEUE_RATE_WINDOW_MS,
  type QueueSettings,
  type Standing,
  type Stock,
  type WaitingRoom,
} from '../waiting-room.js';
import { orderByDraw } from './draw-order.js';
import { LiveOrder } from './live-order.js';

interface Member {
  readonly joinedAtMs: number;
  /** Before the draw: the buyer's random draw; after: its index in the line. */
  readonly draw: number;
  index: number;
  passExpiresAtMs?: number;
}

interface Line {
  settings: QueueSettings;
  readonly members: Map<string, Member>;
  /** Early joiners, before the sales start orders them by their draws (a Map: leaving is O(1)). */
  readonly lobby: Map<string, Member>;
  drawn: boolean;
  readonly order: LiveOrder;
  /** Waiting buyers by when they were last heard from, oldest first (Map keeps insertion order). */
  readonly seen: Map<string, number>;
  /** Valid passes: buyer → expiry. */
  readonly active: Map<string, number>;
  /** Admission times within the rate window, oldest first. */
  admissions: number[];
  credit: number;
  creditAtMs: number;
  soldOut: boolean;
  closed: boolean;
}

export class MemoryWaitingRoom implements WaitingRoom {
  readonly #lines = new Map<string, Line>();
  readonly #journal: Pick<Journal, 'append'>;

  constructor(journal: Pick<Journal, 'append'>) {
    this.#journal = journal;
  }

  async configure(eventId: string, settings: QueueSettings): Promise<void> {
    const line = this.#lines.get(eventId);
    if (line !== undefined) {
      line.settings = settings;
      return;
    }
    this.#lines.set(eventId, {
      settings,
      members: new Map(),
      lobby: new Map(),
      drawn: false,
      order: new LiveOrder(),
      seen: new Map(),
      active: new Map(),
      admissions: [],
      credit: 0,
      creditAtMs: 0,
      soldOut: false,
      closed: false,
    });
  }

  async settings(eventId: string): Promise<QueueSettings | undefined> {
    return this.#lines.get(eventId)?.settings;
  }

  async queuedEvents(): Promise<string[]> {
    return [...this.#lines.keys()];
  }

  async join(
    eventId: string,
    buyerId: string,
    draw: number,
    nowMs: number,
  ): Promise<Standing | 'not_open' | undefined> {
    const line = this.#lines.get(eventId);
    if (line === undefined) return undefined;
    drawWhenStarted(line, nowMs);
    let member = line.members.get(buyerId);
    if (member === undefined) {
      if (nowMs < line.settings.opensAtMs) return 'not_open';
      member = { joinedAtMs: nowMs, draw, index: -1 };
      if (line.drawn) member.index = line.order.push(buyerId);
      else line.lobby.set(buyerId, member);
      line.members.set(buyerId, member);
    }
    touch(line, buyerId, member, nowMs);
    return standingOf(line, member, nowMs);
  }

  async standings(
    eventId: string,
    buyerIds: readonly string[],
    nowMs: number,
  ): Promise<(Standing | undefined)[]> {
    const line = this.#lines.get(eventId);
    if (line === undefined) return buyerIds.map(() => undefined);
    drawWhenStarted(line, nowMs);
    return buyerIds.map((buyerId) => {
      const member = line.members.get(buyerId);
      if (member === undefined) return undefined;
      touch(line, buyerId, member, nowMs);
      return standingOf(line, member, nowMs);
    });
  }

  async admit(
    eventId: string,
    stock: Stock,
    abandonAfterMs: number,
    nowMs: number,
  ): Promise<AdmissionStep | undefined> {
    const line = this.#lines.get(eventId);
    if (line === undefined) return undefined;
    drawWhenStarted(line, nowMs);
    for (const [buyerId, expiresAtMs] of line.active) if (expiresAtMs <= nowMs) line.active.delete(buyerId);
    trimWindow(line, nowMs);
    const abandoned = dropUnheard(line, nowMs - abandonAfterMs);
    line.closed = !stock.salesOpen;
    line.soldOut = stock.available === 0 && stock.held === 0;
    const admitted: Admitted[] = [];
    const room = admissionRoom(line, stock, nowMs);
    if (room > 0) {
      const { settings } = line;
      const taken = line.order.popFront(room, (buyerId, index) => line.members.get(buyerId)?.index === index);
      for (const buyerId of taken) {
        const member = line.members.get(buyerId) as Member;
        member.passExpiresAtMs = nowMs + settings.passMinutes * 60_000;
        line.seen.delete(buyerId);
        line.active.set(buyerId, member.passExpiresAtMs);
        line.admissions.push(nowMs);
        admitted.push({ buyerId, joinedAtMs: member.joinedAtMs, passExpiresAtMs: member.passExpiresAtMs });
      }
      line.credit -= taken.length;
    }
    const step = {
      admitted,
      abandoned,
      waiting: waitingCount(line),
      active: line.active.size,
      soldOut: line.soldOut,
      admittedInWindow: line.admissions.length,
      nowMs,
    };
    if (admitted.length > 0)
      await this.#journal.append(
        admitted.map((a) => admittedEntry(eventId, a, nowMs)),
        this.#undo,
      );
    return step;
  }

  /** Takes back admissions whose commit failed, newest first: each buyer waits at its place again. */
  readonly #undo = (entries: readonly LogEntry[]): void => {
    for (const entry of entries) {
      if (entry.type !== 'queue_admitted') continue;
      const line = this.#lines.get(entry.eventId);
      const member = line?.members.get(entry.userId);
      if (line === undefined || member?.passExpiresAtMs !== entry.passExpiresAtMs) continue;
      member.passExpiresAtMs = undefined;
      line.active.delete(entry.userId);
      const at = line.admissions.lastIndexOf(entry.atMs);
      if (at >= 0) line.admissions.splice(at, 1);
      // Heard from when admitted; Map order puts it last, so the drop of unheard buyers reaches it late at worst.
      line.seen.set(entry.userId, entry.atMs);
      line.order.restore(member.index);
      line.credit += 1;
    }
  };
}

function admittedEntry(eventId: string, admitted: Admitted, nowMs: number): QueueAdmitted {
  return {
    type: 'queue_admitted',
    eventId,
    atMs: nowMs,
    userId: admitted.buyerId,
    joinedAtMs: admitted.joinedAtMs,
    passExpiresAtMs: admitted.passExpiresAtMs,
  };
}

/** At the first operation from the sales start on, the early joiners are put in the order of their draws. */
function drawWhenStarted(line: Line, nowMs: number): void {
  if (line.drawn || nowMs < line.settings.salesStartAtMs) return;
  const buyers = [...line.lobby.keys()];
  const members = [...line.lobby.values()];
  const draws = Float64Array.from(members, (member) => member.draw);
  // Ties of two 53-bit draws are as good as impossible; the buyer id breaks them the way Redis does.
  const order = orderByDraw(draws, buyers);
  const first = line.order.pushAll(Array.from(order, (i) => buyers[i] as string));
  order.forEach((i, rank) => {
    (members[i] as Member).index = first + rank;
  });
  line.lobby.clear();
  line.drawn = true;
}

/** How many may be admitted now, by the rate (credit), maxActive and the stock; updates the credit. */
function admissionRoom(line: Line, stock: Stock, nowMs: number): number {
  const { settings } = line;
  if (settings.paused || nowMs < settings.salesStartAtMs || line.closed || line.soldOut) {
    line.creditAtMs = nowMs;
    return 0;
  }
  const since = Math.max(line.creditAtMs, settings.salesStartAtMs);
  const cap = Math.max(1, (settings.admitPerMinute * ADMISSION_BURST_SECONDS) / 60);
  const accrued = line.credit + ((nowMs - since) * settings.admitPerMinute) / 60_000;
  // The exact credit is a whole number of 1/60,000ths of an admission: kept on that grid, floating point
  // cannot leave it just under a whole admission (0.7 + 0.2 + 0.1 < 1). Redis keeps the credit as a string
  // of 14 digits, which rounds the same error away.
  line.credit = Math.min(cap, Math.round(accrued * 60_000) / 60_000);
  line.creditAtMs = nowMs;
  const active = line.active.size;
  return Math.max(
    0,
    Math.min(
      Math.floor(line.credit),
      settings.maxActive - active,
      PASSES_PER_AVAILABLE_TICKET * stock.available - active,
      ADMISSION_STEP_MAX,
    ),
  );
}

function dropUnheard(line: Line, cutoffMs: number): number {
  let dropped = 0;
  for (const [buyerId, seenMs] of line.seen) {
    if (seenMs >= cutoffMs || dropped >= ADMISSION_STEP_MAX) break;
    const member = line.members.get(buyerId) as Member;
    line.seen.delete(buyerId);
    line.members.delete(buyerId);
    if (member.index >= 0) line.order.remove(member.index);
    else line.lobby.delete(buyerId);
    dropped += 1;
  }
  return dropped;
}

function touch(line: Line, buyerId: string, member: Member, nowMs: number): void {
  if (member.passExpiresAtMs !== undefined) return;
  line.seen.delete(buyerId);
  line.seen.set(buyerId, nowMs);
}

function trimWindow(line: Line, nowMs: number): void {
  const from = nowMs - QUEUE_RATE_WINDOW_MS;
  let drop = 0;
  while (drop < line.admissions.length && (line.admissions[drop] as number) <= from) drop += 1;
  if (drop > 0) line.admissions = line.admissions.slice(drop);
}

function waitingCount(line: Line): number {
  return line.order.size + line.lobby.size;
}

function standingOf(line: Line, member: Member, nowMs: number): Standing {
  trimWindow(line, nowMs);
  const base = {
    waiting: waitingCount(line),
    joinedAtMs: member.joinedAtMs,
    admittedInWindow: line.admissions.length,
    nowMs,
  };
  if (member.passExpiresAtMs !== undefined)
    return { ...base, state: 'admitted', passExpiresAtMs: member.passExpiresAtMs };
  const state = line.closed ? 'closed' : line.soldOut ? 'sold_out' : 'waiting';
  return { ...base, state, position: line.drawn ? line.order.position(member.index) : undefined };
}
