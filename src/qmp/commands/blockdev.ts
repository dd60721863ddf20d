/**
 * QMP commands that build and change the block graph: blockdev-add, blockdev-del, device_add /
 * device_del (how the sim attaches a guest BlockBackend; the models are in graph/devices.ts) and
 * block_resize.
 * Error texts as QEMU 7.2.22 sends them (probed; blockdev.c, qdev-monitor.c).
 */
import { createDevice, hasRemovableProperty, isDeviceDriver, type DeviceOptions } from '../../graph/devices.ts';
import { blockdevAdd } from '../../graph/open.ts';
import type { BlockNode } from '../../graph/node.ts';
import { backingBlocker } from '../../graph/op-blockers.ts';
import { genericPath } from '../../io/path.ts';
import type { Machine } from '../../machine.ts';
import { bool, int64, optional, parseArgs, str } from '../args.ts';
import type { CommandTable } from '../dispatcher.ts';
import { genericError, ok, type QmpReply } from '../reply.ts';

function blockdevAddCommand(machine: Machine, args: Readonly<Record<string, unknown>>): QmpReply {
  if (typeof args['driver'] === 'string' && args['node-name'] === undefined) {
    return genericError("'node-name' must be specified for the root node");
  }
  const r = blockdevAdd(machine, args);
  return r.ok ? ok({}) : genericError(r.message);
}

/** blockdev.c:qmp_blockdev_del, checks in QEMU's order. */
function blockdevDel(machine: Machine, args: Readonly<Record<string, unknown>>): QmpReply {
  const a = parseArgs({ 'node-name': str }, args);
  if (!a.ok) return { error: a.error };
  const name = a.value['node-name'];
  const node = machine.graph.node(name);
  if (node === undefined) return genericError(`Failed to find node with node-name='${name}'`);
  const parents = machine.graph.parents(node);
  if (parents.some((p) => p.kind === 'backend')) return genericError(`Node ${name} is in use`);
  const blocked = backingBlocker(machine.graph, node);
  if (blocked !== undefined) return genericError(blocked);
  if (!node.monitorOwned) return genericError(`Node ${name} is not owned by the monitor`);
  if (parents.length > 0) return genericError(`Block device ${name} is in use`);
  node.monitorOwned = false;
  machine.graph.removeSubtree(node);
  return ok({});
}

const deviceShape = { driver: str, id: str, drive: optional(str) };
const scsiShape = { ...deviceShape, removable: optional(bool) };

/** qdev-monitor.c:qmp_device_add for the models of graph/devices.ts; only the SCSI ones take `removable`. */
function deviceAdd(machine: Machine, args: Readonly<Record<string, unknown>>): QmpReply {
  const named = args['driver'];
  const model = typeof named === 'string' && isDeviceDriver(named) ? named : undefined;
  if (model !== undefined && hasRemovableProperty(model)) {
    const a = parseArgs(scsiShape, args);
    return a.ok ? created(machine, { ...a.value, driver: model }) : { error: a.error };
  }
  const a = parseArgs(deviceShape, args);
  if (!a.ok) return { error: a.error };
  if (model === undefined) return genericError(`'${a.value.driver}' is not a valid device model name`);
  return created(machine, { ...a.value, driver: model });
}

function created(machine: Machine, options: DeviceOptions): QmpReply {
  const r = createDevice(machine.graph, options);
  return r.ok ? ok({}) : genericError(r.message);
}

/**
 * qdev-monitor.c:qmp_device_del. A real PCI unplug completes only when the guest acknowledges
 * it; the sim has no guest, so the device goes at once and DEVICE_DELETED follows immediately.
 */
function deviceDel(machine: Machine, args: Readonly<Record<string, unknown>>): QmpReply {
  const a = parseArgs({ id: str }, args);
  if (!a.ok) return { error: a.error };
  const backend = machine.graph.device(a.value.id);
  if (backend === undefined) return { error: { class: 'DeviceNotFound', desc: `Device '${a.value.id}' not found` } };
  machine.graph.detachBackend(backend);
  machine.emit('DEVICE_DELETED', { device: a.value.id, path: `/machine/peripheral/${a.value.id}` });
  return ok({});
}

/** blockdev.c:qmp_block_resize; the node and every bitmap on it are resized (reference 1.4). */
function blockResize(machine: Machine, args: Readonly<Record<string, unknown>>): QmpReply {
  const a = parseArgs({ device: optional(str), 'node-name': optional(str), size: int64 }, args);
  if (!a.ok) return { error: a.error };
  const { device, 'node-name': nodeName, size } = a.value;
  if (size < 0) return genericError("Parameter 'size' expects a >0 size");
  // bdrv_lookup_bs: `device` names a legacy BlockBackend, which the sim never creates.
  const node = device === undefined && nodeName !== undefined ? machine.graph.node(nodeName) : undefined;
  if (node === undefined) return genericError(`Cannot find device='${device ?? ''}' nor node-name='${nodeName ?? ''}'`);
  const refusal = resizeRefusal(node);
  if (refusal !== undefined) return genericError(refusal);
  const r = genericPath(machine.semantics).truncate(node, size);
  return r.ok ? ok({}) : genericError(r.message);
}

/**
 * Resize needs the RESIZE permission (read-only nodes refuse it) and QEMU asserts no bitmap of a
 * truncated node is busy; jobs and exports that make bitmaps busy also block resize, so the sim
 * refuses with the bitmap's busy message instead of asserting.
 */
function resizeRefusal(node: BlockNode): string | undefined {
  for (let n: BlockNode | undefined = node; n !== undefined; n = n.filtered()) {
    if (n.readOnly) return 'Block node is read-only';
    const busy = n.dirtyBitmaps.find((b) => b.busy);
    if (busy !== undefined) return `Bitmap '${busy.displayName}' is currently in use by another operation and cannot be used`;
  }
  return undefined;
}

export const blockdevCommands: CommandTable<Machine> = {
  'blockdev-add': blockdevAddCommand,
  'blockdev-del': blockdevDel,
  device_add: deviceAdd,
  device_del: deviceDel,
  block_resize: blockResize,
};
