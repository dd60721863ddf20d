/**
 * Child process for the HBitmap benchmark: does the sparse work alone (two bitmaps, merge,
 * count, sha256) and prints its peak RSS in bytes, so the dense comparator's 128 MiB arrays in
 * the parent cannot inflate it.
 */
import { readFileSync } from 'node:fs';
import { sparseBitmap, writeOffsets } from './hbitmap-workload.ts';

const a = sparseBitmap(writeOffsets(1));
const b = sparseBitmap(writeOffsets(2));
a.mergeFrom(b);
const digest = a.sha256();
process.stdout.write(JSON.stringify({ maxRssBytes: peakRss(), count: a.count, digest }) + '\n');

/**
 * Linux's VmHWM is this process image's own peak. getrusage's maxRSS is kept across exec, so
 * it can report the parent's peak instead; it is only the fallback off Linux.
 */
function peakRss(): number {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm?.[1] !== undefined) return Number(hwm[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}
