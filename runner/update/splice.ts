/**
 * Text edits at known ranges. Only the bytes inside each range change, so comments, quoting and
 * layout elsewhere survive exactly (re-serialising a YAML Document would re-format it).
 */
export interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export type SpliceResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

export function splice(text: string, edits: readonly Edit[]): SpliceResult {
  const sorted = edits.toSorted((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const next = sorted[i];
    if (prev !== undefined && next !== undefined && next.start < prev.end) {
      return { ok: false, reason: `overlapping edits at offsets ${prev.start}-${prev.end} and ${next.start}-${next.end}` };
    }
  }
  let out = '';
  let at = 0;
  for (const e of sorted) {
    if (e.start < at || e.end > text.length || e.end < e.start) return { ok: false, reason: `edit ${e.start}-${e.end} is outside the text` };
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return { ok: true, text: out + text.slice(at) };
}
