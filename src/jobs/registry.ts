/**
 * Creating and looking up a machine's jobs (Machine.jobs, newest first); a restarted machine
 * starts with none.
 */
import type { BlockNode } from '../graph/node.ts';
import type { Machine } from '../machine.ts';
import { Job, type JobDriver, type JobOptions } from './job.ts';

export function findJob(machine: Machine, id: string): Job | undefined {
  return machine.jobs.find((j) => j.id === id);
}

/** util/id.c:id_wellformed. */
const WELL_FORMED = /^[A-Za-z][A-Za-z0-9._-]*$/;

/** job.c:job_create's checks on the id; a block job without job-id gets the device name, "" here. */
export function checkJobId(machine: Machine, id: string): string | undefined {
  if (!WELL_FORMED.test(id)) return `Invalid job ID '${id}'`;
  if (findJob(machine, id) !== undefined) return `Job ID '${id}' already in use`;
  return undefined;
}

/** Create and start a job whose id passed checkJobId: it is `running` when this returns. */
export function startJob(machine: Machine, driver: JobDriver, options: JobOptions): Job {
  const { jobs } = machine;
  const job = new Job(machine, driver, options, (gone) => jobs.splice(jobs.indexOf(gone), 1));
  jobs.unshift(job);
  job.start();
  return job;
}

/** bdrv_op_is_blocked: the first of `nodes` a job holds, with QEMU's message. */
export function busyNode(machine: Machine, nodes: readonly BlockNode[]): string | undefined {
  for (const node of nodes) {
    const job = machine.jobs.find((j) => j.blocks(node));
    if (job !== undefined) return `Node '${node.nodeName}' is busy: block device is in use by block job: ${job.type}`;
  }
  return undefined;
}
