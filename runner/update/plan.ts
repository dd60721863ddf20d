/**
 * From the actual values each case saw at each expectation span, the edits that make every
 * case pass, per file. One span serves every matrix case that reads it (a fragment's span
 * serves every scenario using it), so when the cases saw different values no single text is
 * right: that span is refused with the values named, never collapsed to one case's value.
 */
import type { ObservedValue } from '../expect/outcome.ts';
import { spanKey } from '../source.ts';
import type { Edit } from './splice.ts';

export interface Sighting {
  /** The case that saw it, for messages. */
  readonly caseId: string;
  readonly value: ObservedValue;
}

export interface Refusal {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly reason: string;
}

export interface UpdatePlan {
  readonly edits: ReadonlyMap<string, readonly Edit[]>;
  readonly refusals: readonly Refusal[];
}

export function planUpdate(sightings: readonly Sighting[]): UpdatePlan {
  const bySpan = new Map<string, Sighting[]>();
  for (const s of sightings) {
    const key = spanKey(s.value.span);
    bySpan.set(key, [...(bySpan.get(key) ?? []), s]);
  }
  const edits = new Map<string, Edit[]>();
  const refusals: Refusal[] = [];
  for (const group of bySpan.values()) {
    const first = group[0];
    if (first === undefined || group.every((s) => s.value.holds)) continue;
    const { file, start, end, line, col } = first.value.span;
    const refuse = (reason: string) => refusals.push({ file, line, col, reason });
    const texts = new Map<string | null, string[]>();
    for (const s of group) texts.set(s.value.text, [...(texts.get(s.value.text) ?? []), s.caseId]);
    if (texts.has(null)) {
      refuse(`the actual value could not be read (${(texts.get(null) ?? []).join(', ')})`);
    } else if (texts.size > 1) {
      const seen = [...texts].map(([text, ids]) => `${text} in ${ids.join(', ')}`).join('; ');
      refuse(`cases read this value but saw different results (${seen}); split the expectation with \`when:\` or per-case values`);
    } else {
      const text = [...texts.keys()][0] ?? '';
      edits.set(file, [...(edits.get(file) ?? []), { start, end, text }]);
    }
  }
  return { edits, refusals };
}
