// Where things are in an event's Redis keys, derived once from its immutable definition: the byte offset of
// every seat in the seat map (definition order, as the memory gate numbers them), and the rows of each
// section, so that a script receives offsets and never parses seat ids.
import { capacityOf, seatIdOf } from '../../domain/event-spec.js';
import type { EventSpec } from '../../domain/types.js';

export interface RowLayout {
  readonly id: string;
  readonly start: number;
  readonly count: number;
}

export interface SectionLayout {
  readonly id: string;
  readonly price: number;
  readonly start: number;
  readonly count: number;
  readonly rows: readonly RowLayout[];
}

export interface EventLayout {
  readonly spec: EventSpec;
  readonly capacity: number;
  readonly seatCount: number;
  readonly sections: ReadonlyMap<string, SectionLayout>;
  /** Seat id → offset in the seat map. */
  readonly seatOffsets: ReadonlyMap<string, number>;
  /** Offset → seat id. */
  readonly seatIds: readonly string[];
}

export function layoutOf(spec: EventSpec): EventLayout {
  const sections = new Map<string, SectionLayout>();
  const seatOffsets = new Map<string, number>();
  const seatIds: string[] = [];
  for (const section of spec.sections) {
    const start = seatIds.length;
    const rows: RowLayout[] = [];
    for (const row of section.rows) {
      rows.push({ id: row.id, start: seatIds.length, count: row.seats });
      for (let n = 1; n <= row.seats; n++) {
        const id = seatIdOf(section.id, row.id, n);
        seatOffsets.set(id, seatIds.length);
        seatIds.push(id);
      }
    }
    sections.set(section.id, {
      id: section.id,
      price: section.price,
      start,
      count: seatIds.length - start,
      rows,
    });
  }
  return { spec, capacity: capacityOf(spec), seatCount: seatIds.length, sections, seatOffsets, seatIds };
}
