/** Timing and result lines shared by the bench sections. */

/** Milliseconds taken by fn, and its result. */
export function timed<T>(fn: () => T): { ms: number; value: T } {
  const t0 = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
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
