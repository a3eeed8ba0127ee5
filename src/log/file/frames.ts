// The on-disk frame of the file log: one frame per batch, so a batch is whole or absent after a crash.
//   [u32 LE payload length][u32 LE CRC32C of the payload][payload: JSON array of the batch's entries]
// A frame is checked by its CRC before its entries are believed; scanning a segment tells a torn tail (the
// file ends inside a frame, or a damaged last frame, or zeros to the end) from damage in the middle.
import { crc32c } from '@node-rs/crc32';
import type { LogEntry } from '../../domain/log-entry.js';

export const FRAME_HEADER_BYTES = 8;
/** No batch comes near this; a larger length field is damage, not a frame. */
export const FRAME_PAYLOAD_MAX = 64 * 1024 * 1024;

export function encodeFrame(entries: readonly LogEntry[]): Buffer {
  const payload = Buffer.from(JSON.stringify(entries));
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt32LE(crc32c(payload), 4);
  payload.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

export interface ScannedSegment {
  /** The batches of every intact frame, in order. */
  readonly batches: LogEntry[][];
  /** Where each batch's payload lies in the segment (same order as batches). */
  readonly payloads: { readonly offset: number; readonly length: number }[];
  /** Bytes of intact frames from the start: where a tail is cut. */
  readonly intactBytes: number;
  /** What is wrong after intactBytes; absent when the whole file is intact. */
  readonly damage?: { readonly offset: number; readonly reason: string; readonly tail: boolean };
}

export function scanSegment(bytes: Buffer): ScannedSegment {
  const batches: LogEntry[][] = [];
  const payloads: { offset: number; length: number }[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const reason = frameFault(bytes, offset);
    if (reason !== undefined) {
      return {
        batches,
        payloads,
        intactBytes: offset,
        damage: { offset, reason, tail: isTail(bytes, offset) },
      };
    }
    const length = bytes.readUInt32LE(offset);
    const payload = bytes.subarray(offset + FRAME_HEADER_BYTES, offset + FRAME_HEADER_BYTES + length);
    let entries: LogEntry[];
    try {
      entries = JSON.parse(payload.toString('utf8')) as LogEntry[];
      if (!Array.isArray(entries)) throw new Error('not a batch');
    } catch {
      // The CRC matched, so these bytes were written as they are: a fault of the writer, never a torn tail.
      return {
        batches,
        payloads,
        intactBytes: offset,
        damage: { offset, reason: 'a frame whose checksum matches holds no batch', tail: false },
      };
    }
    batches.push(entries);
    payloads.push({ offset: offset + FRAME_HEADER_BYTES, length });
    offset += FRAME_HEADER_BYTES + length;
  }
  return { batches, payloads, intactBytes: offset };
}

function frameFault(bytes: Buffer, offset: number): string | undefined {
  if (bytes.length - offset < FRAME_HEADER_BYTES) return 'the file ends inside a frame header';
  const length = bytes.readUInt32LE(offset);
  if (length === 0 || length > FRAME_PAYLOAD_MAX) return `a frame length of ${length} bytes`;
  const end = offset + FRAME_HEADER_BYTES + length;
  if (end > bytes.length) return 'the file ends inside a frame';
  const payload = bytes.subarray(offset + FRAME_HEADER_BYTES, end);
  if (crc32c(payload) !== bytes.readUInt32LE(offset + 4)) return 'a frame whose checksum does not match';
  return undefined;
}

/**
 * A damaged frame is a torn tail when no intact frame follows it: a crash tears only the batch being written,
 * and whatever a torn write leaves after it (a partial payload, zeros of a file extended before its data
 * reached the disk) never checks out as a frame. An intact frame after the damage is work that was written
 * later, so the damage is in the middle.
 */
function isTail(bytes: Buffer, offset: number): boolean {
  for (let at = offset + 1; at + FRAME_HEADER_BYTES < bytes.length; at++)
    if (frameFault(bytes, at) === undefined) return false;
  return true;
}
