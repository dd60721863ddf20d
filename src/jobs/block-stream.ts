/**
 * qmp_block_stream and stream_start's checks, in QEMU 7.2's order with its texts (probed on
 * 7.2.22): exclusive base options, the device, base / base-node / bottom, op blockers, the
 * backing-file misuse, then the filter's node name ("Could not create node: …"), then the job id.
 */
import type { BlockNode } from '../graph/node.ts';
import type { Machine } from '../machine.ts';
import { chainAbove, chainContains, filterOrCow, findBackingImage, findOverlay } from './chain.ts';
import { busyNode } from './registry.ts';
import { fail, filterNameError, jobCreateError, launch, type JobStartOptions, type StartResult } from './start.ts';
import { streamDriver } from './stream.ts';

export interface BlockStreamArgs extends JobStartOptions {
  readonly device: string;
  readonly base?: string;
  readonly 'base-node'?: string;
  readonly 'backing-file'?: string;
  readonly bottom?: string;
  readonly 'filter-node-name'?: string;
}

export function blockStream(machine: Machine, a: BlockStreamArgs): StartResult {
  const { graph } = machine;
  if (a.base !== undefined && a['base-node'] !== undefined) return fail("'base' and 'base-node' cannot be specified at the same time");
  if (a.base !== undefined && a.bottom !== undefined) return fail("'base' and 'bottom' cannot be specified at the same time");
  if (a.bottom !== undefined && a['base-node'] !== undefined) return fail("'bottom' and 'base-node' cannot be specified at the same time");
  const top = graph.node(a.device);
  if (top === undefined) return fail(`Cannot find device='${a.device}' nor node-name='${a.device}'`);
  let base: BlockNode | undefined;
  if (a.base !== undefined) {
    base = findBackingImage(machine.images, top, a.base);
    if (base === undefined) return fail(`Can't find '${a.base}' in the backing chain`);
  }
  if (a['base-node'] !== undefined) {
    base = graph.node(a['base-node']);
    if (base === undefined) return fail(`Cannot find device='' nor node-name='${a['base-node']}'`);
    if (base === top || !chainContains(top, base)) return fail(`Node '${a['base-node']}' is not a backing image of '${a.device}'`);
  }
  let bottom: BlockNode | undefined;
  if (a.bottom !== undefined) {
    bottom = graph.node(a.bottom);
    if (bottom === undefined) return fail(`Cannot find device='' nor node-name='${a.bottom}'`);
    if (bottom.driver.isFilter) return fail(`Node '${a.bottom}' is a filter, use a non-filter node as 'bottom'`);
    if (!chainContains(top, bottom)) return fail(`Node '${a.bottom}' is not in a chain starting from '${a.device}'`);
    base = filterOrCow(bottom);
  }
  const busy = busyNode(machine, chainAbove(top, base));
  if (busy !== undefined) return fail(busy);
  if (base === undefined && a['backing-file'] !== undefined) return fail('backing file specified, but streaming the entire chain');
  const baseOverlay = bottom ?? findOverlay(top, base);
  if (baseOverlay === undefined) return fail(`'${base?.nodeName}' is not in the backing chain of '${top.nodeName}'`);
  const filterName = a['filter-node-name'];
  const badName = filterNameError(machine, filterName);
  if (badName !== undefined) return fail(`Could not create node: ${badName}`);
  // The filter exists before block_job_create checks the id; a failure removes it again, so the
  // sim checks first and leaves no trace (only the implicit-name counter would differ).
  const bad = jobCreateError(machine, a);
  if (bad !== undefined) return fail(bad);
  return launch(machine, a, streamDriver(machine, { top, base, baseOverlay, filterNodeName: filterName, backingFile: a['backing-file'] }, a['job-id'] ?? ''));
}
