/**
 * query-named-block-nodes and query-block, reduced to what the simulator models: file, node-name,
 * drv, read-only, backing_file and `dirty-bitmaps` (block/qapi.c:bdrv_block_device_info;
 * reference 3.1). In 7.2 the bitmaps appear only in BlockDeviceInfo, i.e. per node and in
 * query-block's `inserted`.
 */
import { dirtyBitmapsField, nodesInQueryOrder } from '../../bitmaps/observe.ts';
import { nodeFilename } from '../../graph/filename.ts';
import type { BlockNode } from '../../graph/node.ts';
import type { Machine } from '../../machine.ts';
import { bool, optional, parseArgs } from '../args.ts';
import type { CommandHandler, CommandTable } from '../dispatcher.ts';
import { ok } from '../reply.ts';

/** `file` is bs->filename after bdrv_refresh_filename, `backing_file` the backing node's (7.2.22). */
function blockDeviceInfo(node: BlockNode) {
  const backing = node.driver.isFilter ? undefined : node.child('backing');
  return {
    file: nodeFilename(node).filename,
    'node-name': node.nodeName,
    drv: node.driver.name,
    ro: node.readOnly,
    ...(backing === undefined ? {} : { backing_file: nodeFilename(backing).filename }),
    ...dirtyBitmapsField(node),
  };
}

const queryNamedBlockNodes: CommandHandler<Machine> = (machine, args) => {
  // `flat` only hides backing-chain detail the simulator does not report anyway.
  const parsed = parseArgs({ flat: optional(bool) }, args);
  if (!parsed.ok) return { error: parsed.error };
  return ok(nodesInQueryOrder(machine.graph).map(blockDeviceInfo));
};

/**
 * Only BlockBackends of guest devices are listed (internal job backends are not). A device's
 * BlockBackend is anonymous, so `device` is "" and `qdev` is the QOM path of virtio-blk's backend
 * (probed on 7.2.22 with virtio-blk-pci).
 */
const queryBlock: CommandHandler<Machine> = (machine, args) => {
  const parsed = parseArgs({}, args);
  if (!parsed.ok) return { error: parsed.error };
  const devices = machine.graph.backends().flatMap((backend) => {
    if (backend.owner.kind !== 'device') return [];
    const { root } = backend;
    return [{
      device: '',
      locked: false,
      removable: false,
      ...(root === undefined ? {} : { inserted: blockDeviceInfo(root) }),
      qdev: `/machine/peripheral/${backend.owner.qdevId}/virtio-backend`,
      type: 'unknown',
    }];
  });
  return ok(devices);
};

export const queryCommands: CommandTable<Machine> = {
  'query-named-block-nodes': queryNamedBlockNodes,
  'query-block': queryBlock,
};
