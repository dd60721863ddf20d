/**
 * Matrix expansion: every combination of the named axes (plus `semantics` when it is a list)
 * minus the `exclude`d partial combinations, `${axis}` interpolated into string scalars, and
 * `when:` deciding which steps a case keeps. A whole scalar `${x}` takes the axis value with its
 * type (512 stays a number); inside a longer string the value is spliced in as text.
 */
import type { Diagnostic } from '../source.ts';
import type { Path } from './source-file.ts';
import { didYouMean } from './suggest.ts';
import { spanAtPath, type Locate } from './zod-issues.ts';

export type AxisValue = string | number | boolean;
export type Axes = Readonly<Record<string, AxisValue>>;

export interface Matrix {
  readonly axes: ReadonlyMap<string, readonly AxisValue[]>;
  readonly exclude: readonly Axes[];
}

/** All cases' axis values, in the order the axes and their values are written. */
export function combinations(m: Matrix): Axes[] {
  let out: Record<string, AxisValue>[] = [{}];
  for (const [axis, values] of m.axes) out = out.flatMap((c) => values.map((v) => ({ ...c, [axis]: v })));
  return out.filter((c) => !m.exclude.some((ex) => Object.entries(ex).every(([k, v]) => String(c[k]) === String(v))));
}

/** `a=1,b=x` as case names and CaseResult.axes show them. */
export function axesLabel(axes: Axes): string {
  return Object.entries(axes)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
}

const REF = /\$\{([^}]*)\}/g;

/**
 * Replaces `${axis}` in every string of `value` (a plain YAML value). Unknown axes are reported
 * once per place through `report`; the reference stays as written.
 */
export function interpolate(value: unknown, axes: Axes, path: Path, report: (path: Path, axis: string) => void): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{([^}]*)\}$/.exec(value);
    if (whole) {
      const name = whole[1] ?? '';
      if (Object.hasOwn(axes, name)) return axes[name];
      report(path, name);
      return value;
    }
    return value.replace(REF, (ref, name: string) => {
      if (Object.hasOwn(axes, name)) return String(axes[name]);
      report(path, name);
      return ref;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, axes, [...path, i], report));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolate(v, axes, [...path, k], report)]),
    );
  }
  return value;
}

/** A step's `when:`: beside its command, or (for `expect`) inside the expectation mapping. */
export function stepWhen(step: unknown): { readonly when: unknown; readonly path: Path } {
  const s = (step ?? {}) as { when?: unknown; expect?: { when?: unknown } | null };
  if (s.when === undefined && s.expect && typeof s.expect === 'object' && s.expect.when !== undefined) {
    return { when: s.expect.when, path: ['expect', 'when'] };
  }
  return { when: s.when, path: ['when'] };
}

/** Whether a step's `when:` holds for these axis values; a list value means any of them. */
export function applies(when: unknown, axes: Axes): boolean {
  if (when === null || typeof when !== 'object') return true;
  return Object.entries(when).every(([axis, want]) =>
    (Array.isArray(want) ? want : [want]).some((w) => String(w) === String(axes[axis])),
  );
}

/** `when:` may only name axes and their values; checked once per step, not per case. */
export function checkWhen(when: unknown, m: Matrix, at: Path, locate: Locate): Diagnostic[] {
  if (when === null || typeof when !== 'object' || Array.isArray(when)) return [];
  const out: Diagnostic[] = [];
  const span = (path: Path, key = false) => spanAtPath(locate, path, key);
  for (const [axis, want] of Object.entries(when)) {
    const values = m.axes.get(axis);
    if (!values) {
      const hint = didYouMean(axis, m.axes.keys());
      out.push({ code: 'bad-matrix', message: `when: '${axis}' is not a matrix axis${hint}`, span: span([...at, axis], true) });
      continue;
    }
    const wanted = Array.isArray(want) ? want : [want];
    wanted.forEach((w, i) => {
      if (values.some((v) => String(v) === String(w))) return;
      const where = Array.isArray(want) ? [...at, axis, i] : [...at, axis];
      const known = values.map(String);
      out.push({
        code: 'bad-matrix',
        message: `when: '${String(w)}' is not a value of axis '${axis}' (${known.join(', ')})${didYouMean(String(w), known)}`,
        span: span(where),
      });
    });
  }
  return out;
}
