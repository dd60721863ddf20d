/**
 * HBitmap (sparse granule runs) against a dense typed-array bitset doing the same work in the
 * same run. Targets from the task: writes within 3x of dense, merge and count+sha256 no slower
 * than dense, and peak RSS of the sparse work under 512 MiB (measured in a child process).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DenseBitset } from './dense-bitset.ts';
import { DISK_SIZE, GRANULARITY, applyWrites, sparseBitmap, writeOffsets } from './hbitmap-workload.ts';
import { medianTimed, ratioLine, resultLine, settle, SETTLE_MS, spread, spreadText, timed, type Spread } from './report.ts';
import { HBitmap } from '../src/hbitmap/hbitmap.ts';

/** Repetitions per measurement for (c); its line reports the median. */
const REPS = 5;
/** Turns per side for (a); the first only warms up. */
const BUILD_REPS = 4;
/** The merge is short (tens of ms), so more turns cost little and steady the median. */
const MERGE_REPS = 12;

export const title = 'HBitmap: 1,000,000 random 4 KiB writes, 64 TiB disk, 64 KiB granularity';

export async function run(): Promise<boolean> {
  const rss = sparseRss(); // first, while this process is still small
  const offsA = writeOffsets(1);
  const offsB = writeOffsets(2);
  warmUp();

  // (a) builds from scratch, dense allocation included: that is the dense way's cost too.
  const [sa, da] = await interleaved(BUILD_REPS, () => offsA, sparseBitmap, () => offsA, denseBitmap);
  const sb = sparseBitmap(offsB);
  const db = denseBitmap(offsB);
  // (b) merges B into a fresh copy of A each time, the two sides taking turns so a burst of
  // load on the shared machine hits both alike; (c) hashes the merged result.
  const dTarget = da.value.copy();
  const [sMerge, dMerge] = await interleaved(
    MERGE_REPS,
    () => sa.value.clone(),
    (a) => (a.mergeFrom(sb), a),
    () => (dTarget.words.set(da.value.words), dTarget),
    (a) => (a.mergeFrom(db), a),
  );
  const sCount = medianTimed(REPS, () => sMerge.value, (a) => a.count);
  const dCount = medianTimed(REPS, () => dMerge.value, (a) => a.count());
  const sSha = medianTimed(REPS, () => sMerge.value, (a) => a.sha256());
  const dSha = medianTimed(REPS, () => dMerge.value, (a) => a.sha256());
  if (sCount.value !== dCount.value || sSha.value !== dSha.value) {
    console.log(resultLine('sparse and dense agree', `count ${sCount.value}/${dCount.value}`, 'equal', false));
    return false;
  }

  const lines = [
    ratioLine('(a) 1e6 random 4K writes', sa.spread.median, da.spread.median, 3),
    ratioLine('(b) merge two such bitmaps', sMerge.spread.median, dMerge.spread.median, 1),
    ratioLine('(c) count + sha256', sCount.ms + sSha.ms, dCount.ms + dSha.ms, 1),
  ];
  lines.push({ text: resultLine('peak RSS of the sparse work (child process)', `${(rss / 2 ** 20).toFixed(0)} MiB`, '< 512 MiB', rss < 512 * 2 ** 20), pass: rss < 512 * 2 ** 20 });
  for (const l of lines) console.log(l.text);
  console.log(`   (a), (b): medians (fastest-slowest) of ${BUILD_REPS - 1} and ${MERGE_REPS - 1} turns each side, taking turns, GC forced and a ${SETTLE_MS} ms pause before each`);
  console.log(`   (a) sparse ${spreadText(sa.spread)}, dense ${spreadText(da.spread)}; (b) sparse ${spreadText(sMerge.spread)}, dense ${spreadText(dMerge.spread)}`);
  console.log(`   (c) medians of ${REPS} runs; count ${sCount.value}; count alone ${sCount.ms.toFixed(2)} vs ${dCount.ms.toFixed(1)} ms, sha256 alone ${sSha.ms.toFixed(1)} vs ${dSha.ms.toFixed(1)} ms`);
  console.log(`   (b) sparse: one pass over both sorted run lists into fresh leaves, reusing the target's used-up ones; dense: a word-wise OR loop over two Uint32Arrays of ${da.value.words.length} words`);
  return lines.every((l) => l.pass);
}

/**
 * Two workloads taking turns (which one goes first alternates), each on a fresh input from its
 * setup (untimed) and after the machine settled (report.ts:settle), so load from before the
 * section or from another process hits neither side more than the other. The first turn of each
 * side only warms up; the rest give the median and the spread.
 */
async function interleaved<I, T, J, U>(
  reps: number,
  setupA: () => I,
  a: (input: I) => T,
  setupB: () => J,
  b: (input: J) => U,
): Promise<[{ spread: Spread; value: T }, { spread: Spread; value: U }]> {
  const ta: number[] = [];
  const tb: number[] = [];
  let ra: { ms: number; value: T } | undefined;
  let rb: { ms: number; value: U } | undefined;
  const turnA = async (): Promise<void> => {
    const input = setupA();
    await settle();
    ra = timed(() => a(input));
    ta.push(ra.ms);
  };
  const turnB = async (): Promise<void> => {
    const input = setupB();
    await settle();
    rb = timed(() => b(input));
    tb.push(rb.ms);
  };
  for (let i = 0; i < reps; i++) {
    if (i % 2 === 0) await turnA(), await turnB();
    else await turnB(), await turnA();
  }
  ta.shift();
  tb.shift();
  if (ra === undefined || rb === undefined) throw new RangeError('interleaved needs reps >= 2');
  return [{ spread: spread(ta), value: ra.value }, { spread: spread(tb), value: rb.value }];
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
