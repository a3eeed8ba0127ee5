// The seat-map bytes, one per seat: printable, so that `curl` shows the map; the seat-states route serves
// them, every gate hands them out, and the Redis gate keeps its seat map in them (log/redis/encoding.ts).
export const SEAT_BYTE_AVAILABLE = 0x30; // '0'
export const SEAT_BYTE_HELD = 0x68; // 'h'
export const SEAT_BYTE_SOLD = 0x73; // 's'
