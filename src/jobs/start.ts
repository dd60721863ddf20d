/**
 * What the block-job commands share when starting a job: the option set QAPI gives them,
 * qmp_get_root_bs, and block_job_create's checks in QEMU's order (job id, then speed).
 */
import { checkNodeName } from '../graph/node-name.ts';
import type { BlockNode } from '../graph/node.ts';
import type { QmpError } from '../qmp/reply.ts';
import type { Machine } from '../machine.ts';
import type { JobDriver, OnError } from './job.ts';
import { checkJobId, startJob } from './registry.ts';

export interface JobStartOptions {
  readonly 'job-id'?: string;
  readonly speed?: number;
  readonly 'on-error'?: OnError;
  readonly 'auto-finalize'?: boolean;
  readonly 'auto-dismiss'?: boolean;
}

export type StartResult = { readonly ok: true } | { readonly ok: false; readonly error: QmpError };

export const fail = (desc: string): StartResult => ({ ok: false, error: { class: 'GenericError', desc } });
export const STARTED: StartResult = { ok: true };

/** qmp_get_root_bs's refusal: `bs` has a node above it (a job's hold counts as a parent). */
export function notRootError(machine: Machine, bs: BlockNode): string | undefined {
  const heldByJob = machine.jobs.some((j) => j.blocks(bs));
  return heldByJob || machine.graph.parents(bs).some((p) => p.kind === 'node') ? 'Need a root block node' : undefined;
}

/**
 * A job filter's filter-node-name: well formed and unused, as opening the filter checks it.
 * Stream and backup open it through block.c:bdrv_insert_node, which prepends "Could not create
 * node: "; mirror and commit call bdrv_new_open_driver directly and report it bare.
 */
export function filterNameError(machine: Machine, name: string | undefined): string | undefined {
  return name === undefined ? undefined : checkNodeName(machine.graph, new Set(), name);
}

/**
 * block_job_create's checks: a block job without job-id is named after the device's
 * BlockBackend, which is "" for a node (probed: `Invalid job ID ''`).
 */
export function jobCreateError(machine: Machine, o: JobStartOptions): string | undefined {
  const bad = checkJobId(machine, o['job-id'] ?? '');
  if (bad !== undefined) return bad;
  if ((o.speed ?? 0) < 0) return "Parameter 'speed' expects a non-negative value";
  return undefined;
}

export function launch(machine: Machine, o: JobStartOptions, driver: JobDriver): StartResult {
  startJob(machine, driver, {
    id: o['job-id'] ?? '',
    speed: o.speed ?? 0,
    onError: o['on-error'] ?? 'report',
    autoFinalize: o['auto-finalize'] ?? true,
    autoDismiss: o['auto-dismiss'] ?? true,
  });
  return STARTED;
}
