/**
 * The guest device models the sim knows and how device_add builds each one's BlockBackend
 * (qdev-monitor.c:qmp_device_add, hw/block/virtio-blk.c, hw/scsi/scsi-disk.c), with 7.2.22's
 * texts as probed. No bus is modelled (QEMU needs a virtio-scsi-pci before a SCSI device).
 *
 *   virtio-blk-pci  needs a drive; a second writer of the same node is a permission conflict
 *   scsi-hd         needs a drive; removable only with `removable: true`
 *   scsi-cd         may start empty; always removable; its medium is opened read-only
 */
import type { BlockBackend, DeviceDriver } from './backend.ts';
import type { BlockGraph } from './graph.ts';
import { devicePerms, lockConflict } from './image-lock.ts';
import type { BlockNode } from './node.ts';

export interface DeviceOptions {
  readonly driver: DeviceDriver;
  readonly id: string;
  readonly drive?: string;
  /** The SCSI models' property; virtio-blk-pci has none (QMP refuses the key). */
  readonly removable?: boolean;
}

export type DeviceResult = { readonly ok: true; readonly backend: BlockBackend } | { readonly ok: false; readonly message: string };

const MODELS: readonly DeviceDriver[] = ['virtio-blk-pci', 'scsi-hd', 'scsi-cd'];

export function isDeviceDriver(name: string): name is DeviceDriver {
  return (MODELS as readonly string[]).includes(name);
}

/** Whether the model has the `removable` property. */
export function hasRemovableProperty(driver: DeviceDriver): boolean {
  return driver !== 'virtio-blk-pci';
}

/** Checks in QEMU's order, then attaches the device's BlockBackend to its drive. */
export function createDevice(graph: BlockGraph, o: DeviceOptions): DeviceResult {
  const { driver, id, drive } = o;
  if (graph.device(id) !== undefined) return failed(`Duplicate device ID '${id}'`);
  if (drive === undefined && driver !== 'scsi-cd') return failed('drive property not set');
  const node = drive === undefined ? undefined : graph.node(drive);
  if (drive !== undefined && node === undefined) return failed(`Property '${qdevType(driver)}.drive' can't find value '${drive}'`);
  if (node !== undefined && driver === 'virtio-blk-pci') {
    const other = graph.parents(node).find((p) => p.kind === 'backend' && p.backend.owner.kind === 'device');
    if (other?.kind === 'backend' && other.backend.owner.kind === 'device' && !node.readOnly) {
      // Both devices take 'write' and neither shares it (block.c:bdrv_check_perm).
      return failed(
        `Permission conflict on node '${node.nodeName}': permissions 'write' are both required by block device ` +
          `'${virtioPath(other.backend.owner.qdevId)}' (uses node '${node.nodeName}' as 'root' child) and unshared by block device ` +
          `'${virtioPath(id)}' (uses node '${node.nodeName}' as 'root' child).`,
      );
    }
  }
  if (node !== undefined) {
    const locked = mediumLockConflict(graph, node, driver);
    if (locked !== undefined) return failed(locked);
  }
  if (node !== undefined && driver === 'scsi-cd') node.readOnly = true;
  const owner =
    driver === 'virtio-blk-pci'
      ? ({ kind: 'device', qdevId: id, driver } as const)
      : ({ kind: 'device', qdevId: id, driver, removable: driver === 'scsi-cd' || o.removable === true } as const);
  return { ok: true, backend: graph.attachBackend(owner, node) };
}

/**
 * The image lock a device's BlockBackend would take on `node` (blk_insert_bs refreshes the
 * permissions); scsi-cd reads only. device_add and blockdev-insert-medium both ask it.
 */
export function mediumLockConflict(graph: BlockGraph, node: BlockNode, driver: DeviceDriver): string | undefined {
  return lockConflict(graph, node, new Map([[node, devicePerms(driver === 'scsi-cd' || node.readOnly)]]));
}

/** The qdev type whose `drive` property names the node: virtio-blk-pci's is on its inner device. */
function qdevType(driver: DeviceDriver): string {
  return driver === 'virtio-blk-pci' ? 'virtio-blk-device' : driver;
}

function virtioPath(id: string): string {
  return `/machine/peripheral/${id}/virtio-backend`;
}

function failed(message: string): DeviceResult {
  return { ok: false, message };
}
