/**
 * HBitmap (sparse granule runs) against a dense typed-array bitset doing the same work in the
 * same run. Targets from the task: writes within 3x of dense, merge and count+sha256 no slower
 * than dense, and peak RSS of the sparse work under 512 MiB (measured in a child process).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DenseBitset } from './dense-bitset.ts';
import { DISK_SIZE, GRANULARITY, applyWrites, sparseBitmap, writeOffsets } from './hbitmap-workload.ts';
import { medianTimed, ratioLine, resultLine } from './report.ts';
import { HBitmap } from '../src/hbitmap/hbitmap.ts';

/** Repetitions per measurement for (b) and (c); each line reports the median. */
const REPS = 5;

export const title = 'HBitmap: 1,000,000 random 4 KiB writes, 64 TiB disk, 64 KiB granularity';

export async function run(): Promise<boolean> {
  const rss = sparseRss(); // first, while this process is still small
  const offsA = writeOffsets(1);
  const offsB = writeOffsets(2);
  warmUp();

  // (a) builds from scratch, dense allocation included: that is the dense way's cost too.
  const sa = medianTimed(3, () => offsA, sparseBitmap);
  const sb = sparseBitmap(offsB);
  const da = medianTimed(3, () => offsA, denseBitmap);
  const db = denseBitmap(offsB);
  // (b) merges B into a fresh copy of A each time; (c) hashes the merged result.
  const sMerge = medianTimed(REPS, () => sa.value.clone(), (a) => (a.mergeFrom(sb), a));
  const dMerge = medianTimed(REPS, () => da.value.copy(), (a) => (a.mergeFrom(db), a));
  const sCount = medianTimed(REPS, () => sMerge.value, (a) => a.count);
  const dCount = medianTimed(REPS, () => dMerge.value, (a) => a.count());
  const sSha = medianTimed(REPS, () => sMerge.value, (a) => a.sha256());
  const dSha = medianTimed(REPS, () => dMerge.value, (a) => a.sha256());
  if (sCount.value !== dCount.value || sSha.value !== dSha.value) {
    console.log(resultLine('sparse and dense agree', `count ${sCount.value}/${dCount.value}`, 'equal', false));
    return false;
  }

  const lines = [
    ratioLine('(a) 1e6 random 4K writes', sa.ms, da.ms, 3),
    ratioLine('(b) merge two such bitmaps', sMerge.ms, dMerge.ms, 1),
    ratioLine('(c) count + sha256', sCount.ms + sSha.ms, dCount.ms + dSha.ms, 1),
  ];
  lines.push({ text: resultLine('peak RSS of the sparse work (child process)', `${(rss / 2 ** 20).toFixed(0)} MiB`, '< 512 MiB', rss < 512 * 2 ** 20), pass: rss < 512 * 2 ** 20 });
  for (const l of lines) console.log(l.text);
  console.log(`   (medians of 3 runs for (a), ${REPS} for (b) and (c); count ${sCount.value}; count alone ${sCount.ms.toFixed(2)} vs ${dCount.ms.toFixed(1)} ms, sha256 alone ${sSha.ms.toFixed(1)} vs ${dSha.ms.toFixed(1)} ms)`);
  return lines.every((l) => l.pass);
}

/** Lets both implementations' hot paths get compiled before anything is timed. */
function warmUp(): void {
  for (const seed of [97, 98, 99]) {
    const offs = writeOffsets(seed, 100_000).map((o) => o % 2 ** 38);
    const s = HBitmap.create(2 ** 38, GRANULARITY);
    const d = new DenseBitset(2 ** 38, GRANULARITY);
    applyWrites(s, offs);
    applyWrites(d, offs);
    s.mergeFrom(sparseBitmap(offs.map((o) => (o + 2 ** 30) % 2 ** 38), 2 ** 38));
    d.mergeFrom(d);
    s.sha256();
    d.sha256();
    d.count();
  }
}

function denseBitmap(offsets: Float64Array): DenseBitset {
  const d = new DenseBitset(DISK_SIZE, GRANULARITY);
  applyWrites(d, offsets);
  return d;
}

function sparseRss(): number {
  const child = fileURLToPath(new URL('./hbitmap-rss-child.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--import', 'tsx', child], { encoding: 'utf8' });
  return (JSON.parse(out) as { maxRssBytes: number }).maxRssBytes;
}
