import { randomFillSync } from "node:crypto";

/** Random bytes drawn 4 KiB at a time: one system call per 256 ids instead of one per id. */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;
function randomInto(target: Buffer): void {
  if (poolOffset + target.length > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  pool.copy(target, 0, poolOffset, poolOffset + target.length);
  poolOffset += target.length;
}

let lastMs = -1;
let counter = 0;

/**
 * UUID version 7: a millisecond timestamp, a 12-bit counter that keeps ids of the same millisecond in
 * creation order, and 62 random bits. Sorting ids sorts records by creation, which dispatch uses to break
 * ties between tickets issued in the same millisecond; the random part keeps ticket links unguessable.
 */
export function newTimeOrderedId(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    // Start each millisecond at a random point below 256, leaving room to count up to 4,095.
    counter = pool[poolOffset] ?? 0;
  } else {
    counter++;
    if (counter > 0xfff) {
      // More than 4,096 ids in one millisecond: borrow the next millisecond to stay ordered.
      lastMs++;
      counter = 0;
    }
  }
  const bytes = Buffer.allocUnsafe(16);
  randomInto(bytes);
  const ms = lastMs;
  bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
  bytes[2] = (ms >>> 24) & 0xff;
  bytes[3] = (ms >>> 16) & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = 0x70 | ((counter >>> 8) & 0x0f);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
