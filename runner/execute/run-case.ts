/**
 * One ScenarioCase on one Backend: open the setup, run every step in order under one deadline,
 * close. Expectation failures accumulate; a step that leaves the scenario's assumed state (an
 * unexpected error, a missing error) ends the case. A backend that breaks down makes the case an
 * error, an Unsupported step makes it skipped, and a hang makes it a timeout failure.
 */
import type { Backend, BackendSession } from '../backends/backend.ts';
import type { ObservedValue } from '../expect/outcome.ts';
import type { CaseResult, Failure } from '../result.ts';
import type { ScenarioCase } from '../scenario/types.ts';
import type { SourceSpan } from '../source.ts';
import { Deadline } from './deadline.ts';
import { runStep } from './steps.ts';
import type { StepTracer } from './trace.ts';
import { Unsupported } from './unsupported.ts';

export interface CaseRun {
  readonly result: CaseResult;
  /** Actual values at every checked expectation span, for --update. */
  readonly observed: readonly ObservedValue[];
}

export function caseId(c: ScenarioCase, backend: Backend['name']): string {
  return `${c.file}#${c.name}@${backend}`;
}

/** What identifies a case's result on one backend. */
export function resultBase(c: ScenarioCase, backend: Backend['name']): Pick<CaseResult, 'id' | 'file' | 'scenario' | 'axes' | 'tags' | 'backend'> {
  return { id: caseId(c, backend), file: c.file, scenario: c.scenario, axes: c.axes, tags: c.tags, backend };
}

export function timeoutFailure(span: SourceSpan, timeoutMs: number): Failure {
  return { code: 'timeout', message: `no answer within ${timeoutMs}ms`, span, expected: `finished within ${timeoutMs}ms`, actual: 'still running' };
}

const CLOSE_GRACE_MS = 1000;

type Ending =
  | { readonly status: 'done' }
  | { readonly status: 'timeout'; readonly span: SourceSpan }
  | { readonly status: 'error' | 'skipped'; readonly span: SourceSpan; readonly reason: string };

/** What a case has produced so far; filled in as steps run, read once the case ends. */
interface Progress {
  readonly failures: Failure[];
  readonly observed: ObservedValue[];
  session?: BackendSession;
  /** The step being run, so a breakdown points at it; the case's name before the first step. */
  current: SourceSpan;
}

/** `trace` records every bitmap after each step (for the book); normal runs pass none. */
export async function runCase(c: ScenarioCase, backend: Backend, timeoutMs: number, trace?: StepTracer): Promise<CaseRun> {
  const started = performance.now();
  const progress: Progress = { failures: [], observed: [], current: c.span };
  const ending = await drive(c, backend, new Deadline(timeoutMs), progress, trace);
  const { failures, observed, session } = progress;
  // A wedged session may never answer close(); give it a short grace, not the case's budget.
  if (session !== undefined) await new Deadline(CLOSE_GRACE_MS).race(session.close().catch(() => undefined));
  if (ending.status === 'timeout') failures.push(timeoutFailure(ending.span, timeoutMs));
  const base = { ...resultBase(c, backend.name), durationMs: performance.now() - started, failures };
  switch (ending.status) {
    case 'error':
      return { result: { ...base, status: 'error', error: { code: 'backend-error', message: `${backend.name} backend: ${ending.reason}`, span: ending.span } }, observed };
    case 'skipped':
      return { result: { ...base, status: 'skipped', skipReason: ending.reason }, observed };
    default:
      return { result: { ...base, status: failures.length > 0 ? 'failed' : 'passed' }, observed };
  }
}

async function drive(c: ScenarioCase, backend: Backend, deadline: Deadline, p: Progress, trace: StepTracer | undefined): Promise<Ending> {
  try {
    const opening = backend.open(c.setup);
    const opened = await deadline.race(opening);
    if (!opened.done) {
      // Whatever opens late must still be released.
      opening.then((s) => s.close(), () => undefined).catch(() => undefined);
      return { status: 'timeout', span: c.span };
    }
    p.session = opened.value;
    for (const step of c.steps) {
      p.current = step.span;
      const r = await deadline.race(runStep(step, opened.value));
      if (!r.done) return { status: 'timeout', span: step.span };
      p.failures.push(...r.value.failures);
      p.observed.push(...r.value.observed);
      if (trace !== undefined && !(await deadline.race(trace.after(step, opened.value))).done) return { status: 'timeout', span: step.span };
      if (r.value.stop) break;
    }
    return { status: 'done' };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return { status: e instanceof Unsupported ? 'skipped' : 'error', span: p.current, reason };
  }
}
