/**
 * What the book shows of each case: the simulator's run with its step trace, and whether every
 * other asked-for backend confirmed it. The trace comes from the simulator only: observing real
 * QEMU after every step would read back each bitmap over NBD, and busy bitmaps cannot be read.
 */
import type { Backend } from '../backends/backend.ts';
import { ineligibility } from '../execute/eligibility.ts';
import { runCase } from '../execute/run-case.ts';
import { stepTracer, type StepSnapshot } from '../execute/trace.ts';
import type { CaseResult } from '../result.ts';
import type { ScenarioCase } from '../scenario/types.ts';

/** A backend the book may run on, or the reason it does not. */
export type BookBackend =
  | { readonly name: Backend['name']; readonly backend: Backend; readonly description: string }
  | { readonly name: Backend['name']; readonly unavailable: string };

export type Confirmation =
  | { readonly backend: Backend['name']; readonly description: string; readonly result: CaseResult }
  | { readonly backend: Backend['name']; readonly skipped: string };

export interface BookCase {
  readonly case: ScenarioCase;
  readonly snapshots: readonly StepSnapshot[];
  /** The simulator's result first, then the other backends'. */
  readonly confirmations: readonly Confirmation[];
}

export interface CollectOptions {
  readonly timeoutMs: number;
  readonly onCase?: (done: number, total: number) => void;
}

/** `sim` must be available; the simulator's run is the one traced. */
export async function collectBook(cases: readonly ScenarioCase[], sim: Backend, others: readonly BookBackend[], options: CollectOptions): Promise<BookCase[]> {
  const out: BookCase[] = [];
  const simDescription = await sim.describe();
  for (const c of cases) {
    const tracer = stepTracer();
    const traced = await runCase(c, sim, options.timeoutMs, tracer);
    const confirmations: Confirmation[] = [{ backend: 'sim', description: simDescription, result: traced.result }];
    for (const b of others) confirmations.push(await confirm(c, b, options.timeoutMs));
    out.push({ case: c, snapshots: tracer.snapshots, confirmations });
    options.onCase?.(out.length, cases.length);
  }
  return out;
}

async function confirm(c: ScenarioCase, b: BookBackend, timeoutMs: number): Promise<Confirmation> {
  if ('unavailable' in b) return { backend: b.name, skipped: b.unavailable };
  // What the backend cannot run at all (another semantics, drive bitmaps, ...) is skipped as `run` skips it.
  const ineligible = ineligibility(c, b.name);
  if (ineligible !== undefined) return { backend: b.name, skipped: ineligible };
  const { result } = await runCase(c, b.backend, timeoutMs);
  return { backend: b.name, description: b.description, result };
}
