/** Timing and result lines shared by the bench sections. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Milliseconds taken by fn, and its result. */
export function timed<T>(fn: () => T): { ms: number; value: T } {
  const t0 = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

/**
 * The median time of `reps` runs of fn, each on a fresh input from setup (untimed), so one
 * scheduling hiccup on a shared machine does not decide PASS or MISS. Returns the last result.
 */
export function medianTimed<I, T>(reps: number, setup: () => I, fn: (input: I) => T): { ms: number; value: T } {
  const times: number[] = [];
  let last: { ms: number; value: T } | undefined;
  for (let i = 0; i < reps; i++) {
    const input = setup();
    last = timed(() => fn(input));
    times.push(last.ms);
  }
  if (last === undefined) throw new RangeError('medianTimed needs reps >= 1');
  return { ms: spread(times).median, value: last.value };
}

/** How long a turn waits after the forced GC: long enough for a burst of other work to pass. */
export const SETTLE_MS = 25;

/**
 * `npm run bench` starts node without --expose-gc; V8 still lets a running process turn it on,
 * and a fresh context then sees `gc`.
 */
const collectGarbage = ((): (() => void) => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/**
 * Lets the machine settle before a timed turn: a full GC, so the turn does not pay for old
 * garbage of earlier work (the young garbage a turn makes itself is still scavenged inside it),
 * then a short pause so a burst of load from another process can pass.
 */
export async function settle(): Promise<void> {
  collectGarbage();
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

/** Median, fastest and slowest of some timings, in ms. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function spread(times: readonly number[]): Spread {
  const sorted = times.slice().sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1];
  if (median === undefined) throw new RangeError('spread of no timings');
  return { median, min: sorted[0] ?? median, max: sorted.at(-1) ?? median };
}

export function spreadText(s: Spread): string {
  return `${s.median.toFixed(1)} ms (${s.min.toFixed(1)}-${s.max.toFixed(1)})`;
}

/** One benchmark line: what was measured, the value, the target and PASS/MISS. */
export function resultLine(label: string, measured: string, target: string, pass: boolean): string {
  return `${label.padEnd(44)} ${measured.padEnd(34)} target ${target.padEnd(16)} ${pass ? 'PASS' : 'MISS'}`;
}

/** A sparse-vs-dense timing line: the ratio sparse/dense against a maximum ratio. */
export function ratioLine(label: string, sparseMs: number, denseMs: number, maxRatio: number): { text: string; pass: boolean } {
  const ratio = sparseMs / denseMs;
  const pass = ratio <= maxRatio;
  const measured = `${sparseMs.toFixed(1)} ms vs dense ${denseMs.toFixed(1)} ms = ${ratio.toFixed(2)}x`;
  return { text: resultLine(label, measured, `<= ${maxRatio}x dense`, pass), pass };
}
