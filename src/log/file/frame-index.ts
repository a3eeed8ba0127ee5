// Where each batch of the file log lies on disk, so that entries no longer kept in memory (file-log.ts) can
// be read back: one frame at a time, the last one read kept decoded, since a consumer that fell behind reads
// on in order. Frames were checked when written or when the log was opened, so no CRC is checked here.
import { closeSync, openSync, readSync } from 'node:fs';
import type { LogEntry } from '../../domain/log-entry.js';

export interface FrameRef {
  /** Seq of the batch's first entry. */
  readonly seq: number;
  readonly count: number;
  readonly path: string;
  /** Byte offset and length of the frame's payload (the batch's JSON) in the segment. */
  readonly offset: number;
  readonly length: number;
}

export class FrameIndex {
  #frames: FrameRef[] = [];
  #decoded: { readonly frame: FrameRef; readonly entries: LogEntry[] } | undefined;
  #open: { readonly path: string; readonly fd: number } | undefined;

  add(frame: FrameRef): void {
    this.#frames.push(frame);
  }

  /** Forgets the frames wholly below seq (their segments were deleted). */
  dropBelow(seq: number): void {
    let drop = 0;
    while (drop < this.#frames.length) {
      const frame = this.#frames[drop] as FrameRef;
      if (frame.seq + frame.count > seq) break;
      drop++;
    }
    if (drop === 0) return;
    this.#frames = this.#frames.slice(drop);
    if (this.#decoded !== undefined && this.#decoded.frame.seq < seq) this.#decoded = undefined;
    this.#closeFile();
  }

  /** The entry with this seq, read from its segment; undefined if no frame holds it. */
  entry(seq: number): LogEntry | undefined {
    const frame = this.#frameOf(seq);
    if (frame === undefined) return undefined;
    if (this.#decoded?.frame !== frame) this.#decoded = { frame, entries: this.#read(frame) };
    return this.#decoded.entries[seq - frame.seq];
  }

  close(): void {
    this.#closeFile();
    this.#decoded = undefined;
  }

  #frameOf(seq: number): FrameRef | undefined {
    let low = 0;
    let high = this.#frames.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const frame = this.#frames[middle] as FrameRef;
      if (seq < frame.seq) high = middle - 1;
      else if (seq >= frame.seq + frame.count) low = middle + 1;
      else return frame;
    }
    return undefined;
  }

  #read(frame: FrameRef): LogEntry[] {
    if (this.#open?.path !== frame.path) {
      this.#closeFile();
      this.#open = { path: frame.path, fd: openSync(frame.path, 'r') };
    }
    const bytes = Buffer.allocUnsafe(frame.length);
    let read = 0;
    while (read < frame.length) {
      const n = readSync(this.#open.fd, bytes, read, frame.length - read, frame.offset + read);
      if (n === 0) throw new Error(`The log segment ${frame.path} ends before the frame at ${frame.offset}.`);
      read += n;
    }
    return JSON.parse(bytes.toString('utf8')) as LogEntry[];
  }

  #closeFile(): void {
    if (this.#open === undefined) return;
    closeSync(this.#open.fd);
    this.#open = undefined;
  }
}
