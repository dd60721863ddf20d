/**
 * Whether a backend can run a case at all, derived from the loaded case rather than declared in
 * it: a scenario is written once, and whatever in it the real QEMU lacks (another semantics, the
 * drive-bitmap extension, ...) makes it a skip there with the reason, never a failure.
 *
 * Each rule looks at one thing; to teach the runner a new simulator-only feature, add a rule to
 * `eligibilityRules` and a test for it in eligibility.test.ts.
 */
import type { BackendName } from '../result.ts';
import type { ScenarioCase, Step } from '../scenario/types.ts';

export interface EligibilityRule {
  /** Short and stable, for tests and docs, e.g. "semantics". */
  readonly name: string;
  /** The backends this rule concerns. */
  readonly backends: readonly BackendName[];
  /** Why the case cannot run there, or undefined when this rule has nothing against it. */
  check(c: ScenarioCase): string | undefined;
}

/** A rule that holds against the first step `why` answers for; the reason names its line. */
export function stepRule(name: string, backends: readonly BackendName[], why: (step: Step) => string | undefined): EligibilityRule {
  return {
    name,
    backends,
    check(c) {
      for (const step of c.steps) {
        const reason = why(step);
        if (reason !== undefined) return `${reason} (line ${step.span.line})`;
      }
      return undefined;
    },
  };
}

/** QEMU 7.2 has only its own dirtying rule; the others are the simulator's (reference 2.4). */
const semantics: EligibilityRule = {
  name: 'semantics',
  backends: ['qemu'],
  check: (c) => (c.semantics === 'qemu-7.2' ? undefined : `semantics ${c.semantics} exists only in the simulator`),
};

/**
 * Drive bitmaps are the extension QEMU never implemented (reference 7): bitmap commands address
 * them by `device` where QEMU only knows `node`, so QEMU would refuse the step, not diverge.
 */
const driveBitmaps = stepRule('drive-bitmaps', ['qemu'], (step) => {
  const onDevice = commands(step).find(([command, args]) => command.startsWith('block-dirty-bitmap-') && 'device' in args);
  return onDevice === undefined ? undefined : `drive bitmaps (${onDevice[0]} on a device) are a simulator extension QEMU lacks`;
});

/**
 * QEMU runs its jobs by itself, iteration after iteration, with nothing that stops one after
 * exactly N of them (a speed limit or a pause takes effect at some later pause point), so a run
 * by chunks is the simulator's alone (runner/backends/qemu/run-job.ts).
 */
const jobChunks = stepRule('job-chunks', ['qemu'], (step) => {
  if (step.kind !== 'run' || step.limit === 'settle' || !('chunks' in step.limit)) return undefined;
  return `run ${step.job} by ${step.limit.chunks} chunk(s): QEMU cannot stop a job after exactly N chunks`;
});

type Command = readonly [name: string, args: Readonly<Record<string, unknown>>];

/** A QMP step's command and, for a transaction, each action as `[type, data]`. */
function commands(step: Step): Command[] {
  if (step.kind !== 'qmp') return [];
  const actions = step.command === 'transaction' && Array.isArray(step.args['actions']) ? (step.args['actions'] as unknown[]) : [];
  const inner = actions.flatMap((a): Command[] => {
    const { type, data } = (a ?? {}) as { type?: unknown; data?: unknown };
    return typeof type === 'string' && typeof data === 'object' && data !== null ? [[type, data as Record<string, unknown>]] : [];
  });
  return [[step.command, step.args], ...inner];
}

export const eligibilityRules: readonly EligibilityRule[] = [semantics, driveBitmaps, jobChunks];

/** The first reason `backend` cannot run `c`, or undefined when it can. */
export function ineligibility(c: ScenarioCase, backend: BackendName, rules: readonly EligibilityRule[] = eligibilityRules): string | undefined {
  for (const rule of rules) {
    if (!rule.backends.includes(backend)) continue;
    const reason = rule.check(c);
    if (reason !== undefined) return reason;
  }
  return undefined;
}
