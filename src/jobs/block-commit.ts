/**
 * qmp_block_commit's checks for an intermediate commit, in QEMU 7.2's order with its texts
 * (probed on 7.2.22). The device lookup comes first and a miss is class DeviceNotFound (libvirt
 * probes for it). Committing the active layer goes to the mirror (commit_active_start, reference 4.4).
 */
import { nodeFilename } from '../graph/filename.ts';
import type { BlockNode } from '../graph/node.ts';
import type { Machine } from '../machine.ts';
import { chainAbove, chainContains, filterOrCow, findBackingImage, findBase, skipFilters } from './chain.ts';
import { commitDriver } from './commit.ts';
import { commitActive } from './mirror-start.ts';
import { busyNode } from './registry.ts';
import { fail, filterNameError, jobCreateError, launch, notRootError, type JobStartOptions, type StartResult } from './start.ts';

export interface BlockCommitArgs extends JobStartOptions {
  readonly device: string;
  readonly 'base-node'?: string;
  readonly base?: string;
  readonly 'top-node'?: string;
  readonly top?: string;
  readonly 'backing-file'?: string;
  readonly 'filter-node-name'?: string;
}

export function blockCommit(machine: Machine, a: BlockCommitArgs): StartResult {
  const { graph } = machine;
  const bs = graph.node(a.device);
  if (bs === undefined) return { ok: false, error: { class: 'DeviceNotFound', desc: `Device '${a.device}' not found` } };
  const notRoot = notRootError(machine, bs);
  if (notRoot !== undefined) return fail(notRoot);
  const blocked = busyNode(machine, [bs]);
  if (blocked !== undefined) return fail(blocked);
  const top = resolveTop(machine, bs, a);
  if (typeof top === 'string') return fail(top);
  const base = resolveBase(machine, top, a);
  if (typeof base === 'string') return fail(base);
  const busy = busyNode(machine, chainAbove(top, filterOrCow(base)));
  if (busy !== undefined) return fail(busy);
  if (top === base) return fail('cannot commit an image into itself');
  if (top === bs) {
    if (a['backing-file'] !== undefined) return fail("'backing-file' specified, but 'top' is the active layer");
    return commitActive(machine, a, { top, base, filterNodeName: a['filter-node-name'] });
  }
  // commit_start
  if (skipFilters(top) === skipFilters(base)) return fail('Invalid files for merge: top and base are the same');
  const bad = jobCreateError(machine, a);
  if (bad !== undefined) return fail(bad);
  const filterName = a['filter-node-name'];
  const badName = filterNameError(machine, filterName);
  if (badName !== undefined) return fail(badName);
  return launch(machine, a, commitDriver(machine, { root: bs, top, base, filterNodeName: filterName, backingFile: a['backing-file'] }, a['job-id'] ?? ''));
}

/** The node called `name` (top-node, base-node), which must lie in `chainTop`'s chain. */
function nodeInChain(machine: Machine, name: string, chainTop: BlockNode): BlockNode | string {
  const found = machine.graph.node(name);
  if (found === undefined) return `Cannot find device='' nor node-name='${name}'`;
  return chainContains(chainTop, found) ? found : `'${name}' is not in this backing file chain`;
}

/**
 * `top` names the active layer by its file name (a shortcut compare with bs->filename), else a
 * node below it (bdrv_find_backing_image). QEMU compares with the name cached at the last refresh,
 * which for a blockdev-add'ed node is its file child's until something (query-named-block-nodes,
 * say) refreshes it; the sim always compares with the current name (probed on 7.2.22).
 */
function resolveTop(machine: Machine, bs: BlockNode, a: BlockCommitArgs): BlockNode | string {
  if (a['top-node'] !== undefined && a.top !== undefined) return "'top-node' and 'top' are mutually exclusive";
  if (a['top-node'] !== undefined) return nodeInChain(machine, a['top-node'], bs);
  if (a.top === undefined || a.top === nodeFilename(bs).filename) return bs;
  return findBackingImage(machine.images, bs, a.top) ?? `Top image file ${a.top} not found`;
}

function resolveBase(machine: Machine, top: BlockNode, a: BlockCommitArgs): BlockNode | string {
  if (a['base-node'] !== undefined && a.base !== undefined) return "'base-node' and 'base' are mutually exclusive";
  if (a['base-node'] !== undefined) return nodeInChain(machine, a['base-node'], top);
  if (a.base !== undefined) return findBackingImage(machine.images, top, a.base) ?? `Can't find '${a.base}' in the backing chain`;
  return findBase(top);
}
