/**
 * The HBitmap benchmark workload: 1,000,000 random 4 KiB writes into a 64 TiB disk with 64 KiB
 * granularity (the case style.md measured), a second bitmap with other writes to merge, and
 * count + sha256. Shared by the timing section and the child process that measures peak RSS.
 */
import { HBitmap } from '../src/hbitmap/hbitmap.ts';
import { mulberry32 } from './prng.ts';

export const DISK_SIZE = 64 * 2 ** 40;
export const GRANULARITY = 64 * 1024;
const WRITE_SIZE = 4096;
const WRITES = 1_000_000;

/** 4 KiB-aligned random offsets from a seeded PRNG: 64 TiB / 4 KiB = 2^34 slots, two 17-bit draws. */
export function writeOffsets(seed: number, n = WRITES): Float64Array {
  const rand = mulberry32(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = (Math.floor(rand() * 2 ** 17) * 2 ** 17 + Math.floor(rand() * 2 ** 17)) * WRITE_SIZE;
  }
  return out;
}

/** Anything with HBitmap's set(offset, bytes): the sparse bitmap or the dense comparator. */
export interface Writable {
  set(offset: number, bytes: number): void;
}

export function applyWrites(b: Writable, offsets: Float64Array): void {
  for (let i = 0; i < offsets.length; i++) b.set(offsets[i]!, WRITE_SIZE);
}

export function sparseBitmap(offsets: Float64Array, size = DISK_SIZE): HBitmap {
  const b = HBitmap.create(size, GRANULARITY);
  applyWrites(b, offsets);
  return b;
}
