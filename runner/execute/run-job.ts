/** A `run` step: the backend moves the job on; a limit it cannot meet is the step's error. */
import type { BackendSession } from '../backends/backend.ts';
import type { RunStep } from '../scenario/types.ts';
import { checkStepError, type ErrorCheck } from './expected-error.ts';
import { Unsupported } from './unsupported.ts';

export async function runJobStep(step: RunStep, session: BackendSession): Promise<ErrorCheck> {
  if (session.runJob === undefined) throw new Unsupported('run: this backend cannot move jobs');
  const reply = await session.runJob(step.job, step.limit);
  return checkStepError(`run ${step.job}`, step.span, step.expectError, reply.ok ? undefined : { desc: reply.desc });
}
