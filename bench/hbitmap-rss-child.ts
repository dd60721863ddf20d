/**
 * Child process for the HBitmap benchmark: does the sparse work alone (two bitmaps, merge,
 * count, sha256) and prints its peak RSS in bytes, so the dense comparator's 128 MiB arrays in
 * the parent cannot inflate it.
 */
import { sparseBitmap, writeOffsets } from './hbitmap-workload.ts';

const a = sparseBitmap(writeOffsets(1));
const b = sparseBitmap(writeOffsets(2));
a.mergeFrom(b);
const digest = a.sha256();
process.stdout.write(JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024, count: a.count, digest }) + '\n');
