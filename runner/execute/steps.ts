/** One step on one session: QMP commands, qemu-io lines, restart/crash and expectations. */
import { isError } from '../../src/qmp/reply.ts';
import type { BackendSession } from '../backends/backend.ts';
import { checkBitmap } from '../expect/bitmaps.ts';
import { checkData } from '../expect/data.ts';
import { checkEvents } from '../expect/events.ts';
import { checkImage } from '../expect/images.ts';
import { checkJob, type JobInfo } from '../expect/jobs.ts';
import { checkNode } from '../expect/nodes.ts';
import { emptyOutcome, mergeInto, type CheckOutcome } from '../expect/outcome.ts';
import type { ExpectStep, Step } from '../scenario/types.ts';
import { checkStepError, type ErrorCheck } from './expected-error.ts';
import { runJobStep } from './run-job.ts';
import { Unsupported } from './unsupported.ts';

export async function runStep(step: Step, session: BackendSession): Promise<ErrorCheck> {
  switch (step.kind) {
    case 'qmp': {
      const reply = await session.qmp(step.command, step.args);
      const error = isError(reply) ? reply.error : undefined;
      return checkStepError(step.command, step.span, step.expectError, error);
    }
    case 'io': {
      const reply = await session.io(step.target, step.line);
      const error = reply.ok ? undefined : { desc: reply.message };
      return checkStepError(`${step.target} ${step.line}`, step.span, step.expectError, error);
    }
    case 'qemu-img': {
      if (session.qemuImg === undefined) throw new Unsupported('qemu-img: not supported by this backend');
      const reply = await session.qemuImg(step.args);
      return checkStepError(`qemu-img ${step.args.join(' ')}`, step.span, step.expectError, reply.ok ? undefined : { desc: reply.message });
    }
    case 'qemu-io': {
      if (session.offlineIo === undefined) throw new Unsupported('qemu-io on an image file: not supported by this backend');
      const reply = await session.offlineIo(step.file, step.line);
      return checkStepError(`qemu-io ${step.file} ${step.line}`, step.span, step.expectError, reply.ok ? undefined : { desc: reply.message });
    }
    case 'run':
      return runJobStep(step, session);
    case 'restart':
      await session.restart();
      return { failures: [], observed: [], stop: false };
    case 'crash':
      await session.crash();
      return { failures: [], observed: [], stop: false };
    case 'expect':
      return { ...(await checkExpectations(step, session)), stop: false };
  }
}

async function checkExpectations(step: ExpectStep, session: BackendSession): Promise<CheckOutcome> {
  const out = emptyOutcome();
  const nodes = step.bitmaps.length + step.nodes.length > 0 ? await session.observe() : [];
  for (const b of step.bitmaps) mergeInto(out, checkBitmap(b, nodes));
  for (const n of step.nodes) mergeInto(out, checkNode(n, nodes));
  if (step.jobs.length > 0) {
    const jobs = await queryJobs(session);
    for (const j of step.jobs) mergeInto(out, checkJob(j, jobs));
  }
  for (const check of step.io) mergeInto(out, await checkData(check, session));
  // Events are taken only here, so each events expectation sees what came since the previous one.
  const events = step.events === undefined ? [] : await session.takeEvents();
  for (const e of step.events ?? []) mergeInto(out, checkEvents(e, events));
  for (const image of step.images ?? []) {
    if (session.storedBitmaps === undefined) throw new Unsupported('images: not supported by this backend');
    mergeInto(out, checkImage(image, await session.storedBitmaps(image.file)));
  }
  return out;
}

async function queryJobs(session: BackendSession): Promise<JobInfo[]> {
  const reply = await session.qmp('query-jobs');
  if (isError(reply) || !Array.isArray(reply.return)) return [];
  return reply.return.filter((j): j is JobInfo => typeof j === 'object' && j !== null && typeof (j as { id?: unknown }).id === 'string');
}
