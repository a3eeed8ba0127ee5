// The log port on disk (embedded shape): append-only segments in one directory, named by the seq of their
// first entry. Each batch is one CRC32C-checked frame written with one write call (frames.ts); `power`
// durability also fdatasyncs it. At open, every segment is scanned: a torn tail of the last segment is cut
// and reported, damage anywhere else refuses the start (LogDamagedError names segment and byte offset).
//
// The most recent entries are also kept in memory (at most `memoryEntries`), so consumers that keep up never
// read the disk; an entry leaves memory once every group has acknowledged it or once it is that far behind
// the end, and whoever asks for it later (a consumer that fell behind, a group created after the fact, the
// audit) has it read back from its segment (frame-index.ts). So memory stays bounded by a count of entries
// whatever the backlog, and the disk by `maxBytes`: a segment is deleted once every group has acknowledged
// all of it, and an append that would pass the bound waits for that (backpressure) up to
// `backpressureWaitMs`, then fails (LogBackloggedError).
//
// Group positions are written at most once a second, and whenever a segment can go or room is needed (a
// segment is deleted only below positions on disk). A position that lags only makes the group see again,
// after a crash, what it had acknowledged within that second; projection and webhook ingest are idempotent.
import {
  appendFileSync,
  closeSync,
  existsSync,
  fdatasync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LogEntry } from '../../domain/log-entry.js';
import type { AppendableLog, GroupPosition, LogConsumer } from '../log.js';
import { claimIdle, deliverNew, type Sequenced, seqOf } from '../sequenced-groups.js';
import { FrameIndex } from './frame-index.js';
import { encodeFrame, FRAME_HEADER_BYTES, scanSegment } from './frames.js';
import { GroupState } from './groups.js';
import { LogBackloggedError, LogDamagedError } from './log-errors.js';
import { readPositions, writePosition } from './positions-file.js';

const fdatasyncAsync = promisify(fdatasync);

export type Durability = 'process' | 'power';
export const DURABILITY_MODES: readonly Durability[] = ['process', 'power'];

/** Default bound of the log on disk (BOXOFFICE_LOG_MAX_BYTES). */
export const LOG_MAX_BYTES_DEFAULT = 64 * 1024 * 1024;
/** Room for a few full batches. */
export const LOG_MAX_BYTES_MIN = 1024 * 1024;

export interface TailCut {
  readonly segment: string;
  readonly offset: number;
  readonly bytes: number;
  readonly reason: string;
}

export interface FileLogOptions {
  /** `process`: a batch is durable once written (a crash of the process loses nothing); `power`: also fdatasync'd. */
  readonly durability: Durability;
  /** Bound of the log's size on disk; appends wait for projection beyond it. */
  readonly maxBytes: number;
  /**
   * A segment is closed once it reaches this size (default: a sixteenth of maxBytes, at most 16 MiB). Room is
   * freed a whole segment at a time, so a log at its bound waits for projection to finish one segment: small
   * segments keep that wait well inside backpressureWaitMs.
   */
  readonly segmentBytes?: number;
  /** Entries kept in memory at most (default MEMORY_ENTRIES_DEFAULT); older ones are read from disk. */
  readonly memoryEntries?: number;
  /** How long an append waits for room before it fails (default 10 s). */
  readonly backpressureWaitMs?: number;
  readonly clock?: () => number;
}

interface Segment {
  readonly seq: number;
  readonly path: string;
  bytes: number;
}

const SEGMENT = /^(\d{20})\.seg$/;
const BACKPRESSURE_WAIT_MS_DEFAULT = 10_000;
/**
 * Four times the projection thread's lead (FEED_AHEAD_MAX) plus its batches: consumers that keep up read from
 * memory, and a backlog costs disk reads instead of heap (~0.5 KiB an entry).
 */
export const MEMORY_ENTRIES_DEFAULT = 25_000;
/** How often trims write the groups' positions when nothing forces them (a segment to delete, room, close). */
const POSITIONS_INTERVAL_MS = 1000;

export class FileLog implements AppendableLog {
  readonly #dir: string;
  readonly #options: FileLogOptions;
  readonly #segmentBytes: number;
  readonly #clock: () => number;
  readonly #segments: Segment[];
  #fd: number;
  /** Entries from #memoryBase on; those below it are on disk only (#frames). */
  #records: Sequenced[] = [];
  readonly #frames = new FrameIndex();
  readonly #memoryEntries: number;
  #memoryBase: number;
  /** Seq of the first entry on disk. */
  #base: number;
  #positionsWrittenAtMs = Number.NEGATIVE_INFINITY;
  #next: number;
  readonly #groups = new Map<string, GroupState>();
  #appending: Promise<void> = Promise.resolve();
  #trimming: Promise<number> = Promise.resolve(0);
  #roomWaiters: (() => void)[] = [];
  #broken: Error | undefined;
  /** What open() cut off the last segment, if anything. */
  readonly tailCut: TailCut | undefined;
  #closed = false;

  private constructor(dir: string, options: FileLogOptions, segments: Segment[], tailCut?: TailCut) {
    this.#dir = dir;
    this.#options = options;
    this.#segmentBytes =
      options.segmentBytes ?? Math.min(16 * 1024 * 1024, Math.floor(options.maxBytes / 16));
    this.#clock = options.clock ?? Date.now;
    this.#memoryEntries = options.memoryEntries ?? MEMORY_ENTRIES_DEFAULT;
    this.#segments = segments;
    this.tailCut = tailCut;
    this.#base = (segments[0] as Segment).seq;
    this.#memoryBase = this.#base;
    this.#next = this.#base;
    this.#fd = openSync((segments.at(-1) as Segment).path, 'a');
  }

  /** Opens (or creates) the log in dir, checking every segment; throws LogDamagedError on damage in the middle. */
  static open(dir: string, options: FileLogOptions): FileLog {
    mkdirSync(dir, { recursive: true });
    const names = readdirSync(dir)
      .filter((name) => SEGMENT.test(name))
      .sort();
    const segments: Segment[] = names.map((name) => ({
      seq: Number(name.slice(0, 20)),
      path: join(dir, name),
      bytes: 0,
    }));
    if (segments.length === 0) {
      const path = join(dir, segmentName(0));
      closeSync(openSync(path, 'a'));
      segments.push({ seq: 0, path, bytes: 0 });
    }
    const batches: { seq: number; entries: LogEntry[]; path: string; offset: number; length: number }[] = [];
    let tailCut: TailCut | undefined;
    let expected = (segments[0] as Segment).seq;
    for (const [index, segment] of segments.entries()) {
      if (segment.seq !== expected)
        throw new LogDamagedError(
          segment.path,
          0,
          `it starts at entry ${segment.seq}, not ${expected}: a segment is missing`,
        );
      const bytes = readFileSync(segment.path);
      const scanned = scanSegment(bytes);
      const damage = scanned.damage;
      if (damage !== undefined) {
        if (index < segments.length - 1 || !damage.tail)
          throw new LogDamagedError(segment.path, damage.offset, damage.reason);
        ftruncateCut(segment.path, scanned.intactBytes);
        tailCut = {
          segment: segment.path,
          offset: damage.offset,
          bytes: bytes.length - scanned.intactBytes,
          reason: damage.reason,
        };
      }
      segment.bytes = scanned.intactBytes;
      for (const [i, entries] of scanned.batches.entries()) {
        const payload = scanned.payloads[i] as { offset: number; length: number };
        batches.push({ seq: expected, entries, path: segment.path, ...payload });
        expected += entries.length;
      }
    }
    const log = new FileLog(dir, options, segments, tailCut);
    for (const batch of batches) {
      log.#frames.add({ ...batch, count: batch.entries.length });
      log.#remember(batch.seq, batch.entries);
    }
    log.#next = expected;
    for (const [group, acked] of readPositions(dir)) {
      // A position below the first segment was trimmed past; above the end, entries were lost with a cut tail.
      const start = Math.min(Math.max(acked, log.#base), log.#next);
      log.#groups.set(group, new GroupState(start));
    }
    return log;
  }

  append(entries: readonly LogEntry[]): Promise<void> {
    const run = this.#appending.then(() => this.#appendNow(entries));
    this.#appending = run.catch(() => {});
    return run;
  }

  async #appendNow(entries: readonly LogEntry[]): Promise<void> {
    if (this.#closed) throw new Error('The log is closed.');
    if (this.#broken !== undefined) throw this.#broken;
    if (entries.length === 0) return;
    const frame = encodeFrame(entries);
    await this.#roomFor(frame.length);
    if ((this.#segments.at(-1) as Segment).bytes >= this.#segmentBytes) this.#roll();
    const active = this.#segments.at(-1) as Segment;
    try {
      writeFully(this.#fd, frame);
      if (this.#options.durability === 'power') await fdatasyncAsync(this.#fd);
    } catch (error) {
      // A partial frame would read as damage in the middle once later frames follow it: take it back.
      try {
        ftruncateSync(this.#fd, active.bytes);
      } catch {
        this.#broken = new Error(
          `The log segment ${active.path} could not be restored after a failed write.`,
        );
      }
      throw error;
    }
    this.#frames.add({
      seq: this.#next,
      count: entries.length,
      path: active.path,
      offset: active.bytes + FRAME_HEADER_BYTES,
      length: frame.length - FRAME_HEADER_BYTES,
    });
    active.bytes += frame.length;
    this.#remember(this.#next, entries);
    this.#next += entries.length;
  }

  consumer(group: string, member: string): LogConsumer {
    const state = this.#group(group);
    return {
      readNew: async (max) =>
        deliverNew(state, this.#next, (seq) => this.#at(seq), member, this.#clock(), max),
      claimStale: async (idleMs, max) =>
        claimIdle(state, (seq) => this.#at(seq), member, this.#clock(), idleMs, max),
      acknowledge: async (records) => {
        for (const record of records) state.pending.delete(seqOf(record));
      },
      deadLetter: async (record, error) => {
        appendFileSync(
          this.#deadLettersPath(group),
          `${JSON.stringify({ id: record.id, error, entry: record.entry })}\n`,
        );
        state.pending.delete(seqOf(record));
      },
    };
  }

  async positions(eventId?: string): Promise<GroupPosition[]> {
    const matches = (seq: number) => eventId === undefined || this.#at(seq).eventId === eventId;
    return [...this.#groups].map(([group, state]) => {
      let lag = 0;
      for (let seq = state.next; seq < this.#next; seq++) if (matches(seq)) lag++;
      return { group, pending: [...state.pending.keys()].filter(matches).length, lag };
    });
  }

  async unacknowledged(group: string, eventId: string): Promise<LogEntry[]> {
    const state = this.#group(group);
    const out: LogEntry[] = [];
    const take = (seq: number) => {
      const stored = this.#at(seq);
      if (stored.eventId === eventId) out.push(stored.entry);
    };
    // Delivered and not acknowledged (all below next), then never delivered: in seq order.
    for (const seq of [...state.pending.keys()].sort((a, b) => a - b)) take(seq);
    for (let seq = state.next; seq < this.#next; seq++) take(seq);
    return out;
  }

  /** Writes the groups' positions, then deletes every segment all groups have acknowledged in full. */
  trim(): Promise<number> {
    const run = this.#trimming.then(() => this.#trimNow());
    this.#trimming = run.catch(() => 0);
    return run;
  }

  #trimNow(needRoom = false, closing = false): number {
    if (this.#closed || this.#groups.size === 0) return 0;
    const acked = new Map<GroupState, number>();
    let lowAcked = this.#next;
    for (const state of this.#groups.values()) {
      acked.set(state, state.acked());
      lowAcked = Math.min(lowAcked, acked.get(state) as number);
    }
    this.#forget(lowAcked);
    // Everything acknowledged and the active segment over half full (or room needed): start a new one so
    // the old can go.
    const active = this.#segments.at(-1) as Segment;
    const roll =
      lowAcked === this.#next &&
      active.seq < lowAcked &&
      (needRoom || active.bytes * 2 >= this.#segmentBytes);
    const deletable = roll || (this.#segments.length > 1 && (this.#segments[1] as Segment).seq <= lowAcked);
    const now = this.#clock();
    if (needRoom || closing || deletable || now - this.#positionsWrittenAtMs >= POSITIONS_INTERVAL_MS) {
      for (const [group, state] of this.#groups) {
        const position = acked.get(state) as number;
        if (position <= state.persisted) continue;
        writePosition(this.#dir, group, position, this.#options.durability === 'power');
        state.persisted = position;
      }
      this.#positionsWrittenAtMs = now;
    }
    let low = this.#next;
    for (const state of this.#groups.values()) low = Math.min(low, state.persisted);
    if (roll && low === this.#next) this.#roll();
    let removed = 0;
    while (this.#segments.length > 1 && (this.#segments[1] as Segment).seq <= low) {
      const gone = this.#segments.shift() as Segment;
      unlinkSync(gone.path);
      const next = (this.#segments[0] as Segment).seq;
      removed += next - gone.seq;
    }
    if (removed > 0) {
      this.#base += removed;
      this.#frames.dropBelow(this.#base);
      this.#forget(this.#base);
      const waiters = this.#roomWaiters;
      this.#roomWaiters = [];
      for (const wake of waiters) wake();
    }
    return removed;
  }

  /** Bytes of the segments on disk. */
  diskBytes(): number {
    let total = 0;
    for (const segment of this.#segments) total += segment.bytes;
    return total;
  }

  /** Entries kept in memory: the newest some group had not acknowledged at the last trim, at most memoryEntries. */
  entriesInMemory(): number {
    return this.#records.length;
  }

  /** Entries appended so far since the log began (the seq the next entry gets). */
  end(): number {
    return this.#next;
  }

  /**
   * Records the group moved to its dead letters, of one event or of all, since the log began: they are kept in
   * `<group>.dead` (one JSON line each) whatever is trimmed, for the audit and for an operator to replay.
   */
  deadLetterCount(group: string, eventId?: string): number {
    const path = this.#deadLettersPath(group);
    if (!existsSync(path)) return 0;
    let count = 0;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line === '') continue;
      if (eventId === undefined || (JSON.parse(line) as { entry: LogEntry }).entry.eventId === eventId)
        count++;
    }
    return count;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#appending;
    const flush = this.#trimming.then(() => this.#trimNow(false, true));
    await flush.catch(() => 0);
    this.#closed = true;
    for (const wake of this.#roomWaiters) wake();
    closeSync(this.#fd);
    this.#frames.close();
  }

  /** Waits until the frame fits under maxBytes, or throws once backpressureWaitMs has passed. */
  async #roomFor(bytes: number): Promise<void> {
    const waitMs = this.#options.backpressureWaitMs ?? BACKPRESSURE_WAIT_MS_DEFAULT;
    const deadline = this.#clock() + waitMs;
    while (this.diskBytes() + bytes > this.#options.maxBytes && this.#next > this.#base) {
      if (this.#trimNow(true) > 0) continue;
      const remaining = deadline - this.#clock();
      if (remaining <= 0 || this.#closed)
        throw new LogBackloggedError(
          `The log holds ${this.diskBytes()} bytes, its bound is ${this.#options.maxBytes}, and projection freed no room within ${waitMs} ms.`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(remaining, 1000));
        this.#roomWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  #roll(): void {
    const path = join(this.#dir, segmentName(this.#next));
    const fd = openSync(path, 'a');
    if (this.#options.durability === 'power') fsyncDir(this.#dir);
    closeSync(this.#fd);
    this.#fd = fd;
    this.#segments.push({ seq: this.#next, path, bytes: 0 });
  }

  #remember(seq: number, entries: readonly LogEntry[]): void {
    for (const [i, entry] of entries.entries())
      this.#records.push({ seq: seq + i, eventId: entry.eventId, entry });
    // Far behind the end: read from disk if anyone still needs it. Half the bound goes at once, so the copy
    // this makes is paid once per memoryEntries / 2 appended entries, not at every append.
    if (this.#records.length > this.#memoryEntries)
      this.#forget(seq + entries.length - Math.floor(this.#memoryEntries / 2));
  }

  #deadLettersPath(group: string): string {
    return join(this.#dir, `${encodeURIComponent(group)}.dead`);
  }

  #group(name: string): GroupState {
    let state = this.#groups.get(name);
    if (state === undefined) {
      state = new GroupState(this.#base);
      this.#groups.set(name, state);
    }
    return state;
  }

  #at(seq: number): Sequenced {
    if (seq >= this.#memoryBase) return this.#records[seq - this.#memoryBase] as Sequenced;
    const entry = this.#frames.entry(seq);
    if (entry === undefined)
      throw new Error(`The log has no entry ${seq} (its entries start at ${this.#base}).`);
    return { seq, eventId: entry.eventId, entry };
  }

  /** Drops from memory the entries below seq (they stay on disk until their segment goes). */
  #forget(seq: number): void {
    const to = Math.min(seq, this.#memoryBase + this.#records.length);
    if (to <= this.#memoryBase) return;
    this.#records = this.#records.slice(to - this.#memoryBase);
    this.#memoryBase = to;
  }
}

function segmentName(seq: number): string {
  return `${String(seq).padStart(20, '0')}.seg`;
}

function writeFully(fd: number, frame: Buffer): void {
  let written = writeSync(fd, frame);
  // A regular file takes the whole buffer in one call; the loop only guards against a short write.
  while (written < frame.length) written += writeSync(fd, frame, written);
}

function ftruncateCut(path: string, length: number): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, length);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
