/**
 * Starting a mirror: blockdev-mirror, drive-mirror (blockdev.c:qmp_blockdev_mirror,
 * qmp_drive_mirror, blockdev_mirror_common, block/mirror.c:mirror_start and mirror_start_job)
 * and active block-commit (commit_active_start). Checks in QEMU 7.2's order with its texts
 * (probed on 7.2.22): the source must be a root node, then source and target op blockers,
 * granularity, replaces, the sync mode, buf-size, mirroring into itself, the filter's node
 * name, then block_job_create's job id and speed.
 */
import { defaultGranularity } from '../bitmaps/node-bitmaps.ts';
import type { BlockNode } from '../graph/node.ts';
import type { Machine } from '../machine.ts';
import { filterOrCow, findOverlay, skipFilters } from './chain.ts';
import type { OnError } from './job.ts';
import { mirrorDriver, type CopyMode, type MirrorPlan } from './mirror.ts';
import { busyNode } from './registry.ts';
import { fail, filterNameError, jobCreateError, launch, notRootError, type JobStartOptions, type StartResult } from './start.ts';

export type MirrorSyncMode = 'top' | 'full' | 'none' | 'incremental' | 'bitmap';

/** The members blockdev-mirror and drive-mirror share (qapi/block-core.json). */
export interface MirrorOptions extends Omit<JobStartOptions, 'on-error'> {
  readonly device: string;
  readonly target: string;
  readonly sync: MirrorSyncMode;
  readonly replaces?: string;
  readonly granularity?: number;
  readonly 'buf-size'?: number;
  readonly 'on-source-error'?: OnError;
  readonly 'on-target-error'?: OnError;
  readonly 'filter-node-name'?: string;
  readonly 'copy-mode'?: CopyMode;
  readonly unmap?: boolean;
}

/** qmp_get_root_bs: a node by name, with only BlockBackends above it. */
export function rootNode(machine: Machine, name: string): BlockNode | string {
  const bs = machine.graph.node(name);
  if (bs === undefined) return `Cannot find device='${name}' nor node-name='${name}'`;
  return notRootError(machine, bs) ?? bs;
}

/** The parts of a mirror's plan that the command decides before the common checks. */
export interface MirrorSetup {
  readonly source: BlockNode;
  readonly target: BlockNode;
  readonly zeroTarget: boolean;
  readonly targetBacking: BlockNode | undefined;
}

/** blockdev_mirror_common and mirror_start(_job), up to the started job. */
export function mirrorCommon(machine: Machine, a: MirrorOptions, setup: MirrorSetup): StartResult {
  const { source, target } = setup;
  const busy = busyNode(machine, [source]) ?? busyNode(machine, [target]);
  if (busy !== undefined) return fail(busy);
  const granularity = a.granularity ?? 0;
  if (granularity !== 0 && (granularity < 512 || granularity > 64 * 1024 * 1024)) {
    return fail("Parameter 'granularity' expects a value in range [512B, 64MB]");
  }
  if ((granularity & (granularity - 1)) !== 0) return fail("Parameter 'granularity' expects a power of 2");
  const replaces = a.replaces === undefined ? undefined : toReplace(machine, source, a.replaces);
  if (typeof replaces === 'string') return fail(replaces);
  if (a.sync === 'incremental' || a.sync === 'bitmap') return fail(`Sync mode '${a.sync}' not supported`);
  if ((a['buf-size'] ?? 0) < 0) return fail("Invalid parameter 'buf-size'");
  if (skipFilters(source) === skipFilters(target)) return fail("Can't mirror node into itself");
  const filterName = a['filter-node-name'];
  const badName = filterNameError(machine, filterName);
  if (badName !== undefined) return fail(badName);
  const bad = jobCreateError(machine, a);
  if (bad !== undefined) return fail(bad);
  // blockdev_mirror_common: sync=top without a backing file is sync=full.
  const sync = a.sync === 'top' && filterOrCow(skipFilters(source)) === undefined ? 'full' : a.sync;
  const plan: MirrorPlan = {
    type: 'mirror',
    source,
    target,
    copyAbove: sync === 'top' ? skipFilters(source) : undefined,
    initialCopy: sync !== 'none',
    zeroTarget: setup.zeroTarget,
    granularity: granularity === 0 ? defaultGranularity(target) : granularity,
    copyMode: a['copy-mode'] ?? 'background',
    unmap: a.unmap ?? true,
    replaces,
    targetBacking: setup.targetBacking,
    filterNodeName: filterName,
    onSourceError: a['on-source-error'] ?? 'report',
    onTargetError: a['on-target-error'] ?? 'report',
  };
  return launch(machine, a, mirrorDriver(machine, plan, a['job-id'] ?? ''));
}

/**
 * check_to_replace_node: a node the target may stand in for. Only the source itself or a node
 * below it through filters is safe (bdrv_recurse_can_replace).
 */
function toReplace(machine: Machine, source: BlockNode, name: string): BlockNode | string {
  const node = machine.graph.node(name);
  if (node === undefined) return `Failed to find node with node-name='${name}'`;
  const busy = busyNode(machine, [node]);
  if (busy !== undefined) return busy;
  for (let n: BlockNode | undefined = source; n !== undefined; n = n.filtered()) if (n === node) return node;
  return (
    `Cannot replace '${name}' by a node mirrored from '${source.nodeName}', because it cannot be guaranteed ` +
    'that doing so would not lead to an abrupt change of visible data'
  );
}

export interface ActiveCommitPlan {
  readonly top: BlockNode;
  readonly base: BlockNode;
  readonly filterNodeName: string | undefined;
}

/**
 * commit_active_start: a mirror of the active node into base (job type `commit`, reference 4.4):
 * sync full from above base, no zeroing, background copy mode, granularity from base; its
 * on-error serves both sides. mirror_start_job names the filter before the job id is checked.
 */
export function commitActive(machine: Machine, a: JobStartOptions, p: ActiveCommitPlan): StartResult {
  const badName = filterNameError(machine, p.filterNodeName);
  if (badName !== undefined) return fail(badName);
  const bad = jobCreateError(machine, a);
  if (bad !== undefined) return fail(bad);
  const onError = a['on-error'] ?? 'report';
  const plan: MirrorPlan = {
    type: 'commit',
    source: p.top,
    target: p.base,
    copyAbove: findOverlay(p.top, p.base),
    initialCopy: true,
    zeroTarget: false,
    granularity: defaultGranularity(p.base),
    copyMode: 'background',
    unmap: true,
    replaces: undefined,
    targetBacking: undefined,
    filterNodeName: p.filterNodeName,
    onSourceError: onError,
    onTargetError: onError,
  };
  return launch(machine, a, mirrorDriver(machine, plan, a['job-id'] ?? ''));
}
