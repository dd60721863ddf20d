/**
 * `divergence:` marks a difference between the model and QEMU made on purpose, e.g.
 *
 *   divergence:
 *     reason: the simulator fixes the WRITE_UNCHANGED bug QEMU 7.2 has (reference 2.4)
 *     only: [top/b0.dirty, top/b0.count]
 *
 * The scenario's expectations are the model's; where QEMU sees something else at a covered
 * expectation, the run reports a known divergence instead of failing. `only` limits it to named
 * expectations; without it, every expectation of the scenario is covered. Names are those written
 * under `expect:`: a bitmap key `node/name` (all its fields) or `node/name.field`, a job id or
 * `id.field`, a node-name under `nodes:`, and an `io:` line as written ("vda read -P 0x11 0 4K").
 */
import { spanKey, type Diagnostic, type SourceSpan } from '../source.ts';
import { didYouMean } from './suggest.ts';
import type { Spanned, Step } from './types.ts';
import { spanAtPath, type Locate } from './zod-issues.ts';

export interface Divergence {
  /** Why the model differs from QEMU here, citing the QEMU fact. */
  readonly reason: string;
  /** The expectations it is limited to; absent: all of them. */
  readonly only?: readonly Spanned<string>[];
  /** The `divergence:` value. */
  readonly span: SourceSpan;
}

/** The YAML shape, as the schema validated it. */
export interface DivergenceInput {
  readonly reason: string;
  readonly only?: readonly string[] | undefined;
}

/** Every expectation value's span (by spanKey) with the names that cover it. */
export function expectationNames(steps: readonly Step[]): Map<string, string[]> {
  const names = new Map<string, string[]>();
  const add = (span: SourceSpan, ...n: string[]) => names.set(spanKey(span), [...(names.get(spanKey(span)) ?? []), ...n]);
  const fields = (key: string, whole: SourceSpan, expected: object | null) => {
    add(whole, key);
    for (const [field, v] of Object.entries(expected ?? {})) add((v as Spanned<unknown>).span, key, `${key}.${field}`);
  };
  for (const step of steps) {
    if (step.kind !== 'expect') continue;
    for (const b of step.bitmaps) fields(`${b.node}/${b.name}`, b.span, b.expected);
    for (const j of step.jobs) fields(j.id, j.span, j.expected);
    for (const n of step.nodes) add(n.exists.span, n.node);
    for (const io of step.io) add(io.span, `${io.target} ${io.line}`);
  }
  return names;
}

/** The case's divergence, with each `only` name checked against the case's expectations. */
export function readDivergence(input: DivergenceInput, steps: readonly Step[], locate: Locate, diags: Diagnostic[]): Divergence {
  const known = new Set([...expectationNames(steps).values()].flat());
  const only = input.only?.map((value, i): Spanned<string> => {
    const span = spanAtPath(locate, ['divergence', 'only', i]);
    if (!known.has(value)) {
      const message = `'${value}' names no expectation of this scenario${didYouMean(value, known)}`;
      diags.push({ code: 'unknown-expectation', message, span });
    }
    return { value, span };
  });
  const span = spanAtPath(locate, ['divergence']);
  return only === undefined ? { reason: input.reason, span } : { reason: input.reason, only, span };
}
