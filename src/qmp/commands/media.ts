/**
 * Removable media (blockdev.c, qmp_blockdev_open_tray .. qmp_blockdev_change_medium) for the
 * device models the sim knows, with 7.2's texts as probed on 7.2.22 (-M pc, virtio-scsi-pci):
 * scsi-hd with removable=true is removable and writable, scsi-cd removable and read-only,
 * scsi-hd without it "is not removable", and virtio-blk-pci's qdev id is the PCI proxy, which
 * "does not have a block device backend". The tray moves at once (no guest to lock it), with
 * DEVICE_TRAY_MOVED when it really moves. A drive bitmap stays on the backend across a media
 * change and records the new medium as wholly dirty (drive/drive-bitmap.ts:mediumInserted).
 */
import { mediumInserted } from '../../drive/drive-bitmap.ts';
import { deviceNotFound } from '../../drive/owner.ts';
import type { BlockBackend } from '../../graph/backend.ts';
import { mediumLockConflict } from '../../graph/devices.ts';
import { openTree } from '../../graph/open.ts';
import { releaseIfUnused } from '../../jobs/chain.ts';
import type { Machine } from '../../machine.ts';
import { bool, enumOf, optional, parseArgs, str } from '../args.ts';
import type { CommandHandler, CommandTable } from '../dispatcher.ts';
import { genericError, ok, type QmpError, type QmpReply } from '../reply.ts';

const idArgs = { device: optional(str), id: optional(str) };

type DeviceBackend = BlockBackend & { readonly owner: { readonly kind: 'device' } };

/** blockdev.c:qmp_get_blk: the device's BlockBackend by qdev id. */
function deviceBackend(machine: Machine, args: { device?: string; id?: string }): DeviceBackend | { readonly error: QmpError } {
  if ((args.device === undefined) === (args.id === undefined)) return genericError("Need exactly one of 'device' and 'id'");
  // `device` names a legacy BlockBackend, which the sim never creates.
  const id = args.id ?? args.device ?? '';
  const backend = args.id === undefined ? undefined : machine.graph.device(id);
  if (backend === undefined || !isDevice(backend)) return deviceNotFound(id);
  if (backend.owner.driver === 'virtio-blk-pci') return genericError('Device does not have a block device backend');
  return backend;
}

function isDevice(backend: BlockBackend): backend is DeviceBackend {
  return backend.owner.kind === 'device';
}

/** The removable check of the tray commands (blockdev_open_tray, qmp_blockdev_remove_medium...). */
function removableBackend(machine: Machine, args: { device?: string; id?: string }): DeviceBackend | { readonly error: QmpError } {
  const backend = deviceBackend(machine, args);
  if ('error' in backend) return backend;
  return isRemovable(backend) ? backend : genericError(`Device '${backend.owner.qdevId}' is not removable`);
}

function isRemovable(backend: DeviceBackend): boolean {
  return backend.owner.removable === true;
}

function moveTray(machine: Machine, backend: DeviceBackend, open: boolean): void {
  if (backend.trayOpen === open) return;
  backend.trayOpen = open;
  machine.emit('DEVICE_TRAY_MOVED', { device: '', 'tray-open': open, id: backend.owner.qdevId });
}

function trayCommand(open: boolean): CommandHandler<Machine> {
  return (machine, raw) => {
    const a = parseArgs(open ? { ...idArgs, force: optional(bool) } : idArgs, raw);
    if (!a.ok) return { error: a.error };
    const backend = removableBackend(machine, a.value);
    if ('error' in backend) return backend;
    moveTray(machine, backend, open);
    return ok({});
  };
}

const removeMedium: CommandHandler<Machine> = (machine, raw) => {
  const a = parseArgs({ id: str }, raw);
  if (!a.ok) return { error: a.error };
  const backend = removableBackend(machine, a.value);
  if ('error' in backend) return backend;
  // The tray is checked before the medium: an empty closed tray refuses too (probed on 7.2.22).
  if (!backend.trayOpen) return genericError(`Tray of device '${a.value.id}' is not open`);
  ejectMedium(machine, backend);
  return ok({});
};

/** The old medium closes unless the monitor or a drive bitmap's storage reference holds it. */
function ejectMedium(machine: Machine, backend: BlockBackend): void {
  const old = backend.root;
  backend.root = undefined;
  if (old !== undefined) releaseIfUnused(machine.graph, old);
}

/**
 * Checks in 7.2's order (probed): node, node in use, removable (a text without the id, from
 * blockdev.c:blockdev_insert_medium), tray, medium, image lock.
 */
function insert(machine: Machine, backend: DeviceBackend, nodeName: string): QmpReply {
  const node = machine.graph.node(nodeName);
  if (node === undefined) return genericError(`Node '${nodeName}' not found`);
  // bdrv_has_blk: a user's backend; a drive bitmap's storage reference is not a user.
  if (machine.graph.parents(node).some((p) => p.kind === 'backend' && p.backend.owner.kind !== 'reference')) {
    return genericError(`Node '${nodeName}' is already in use`);
  }
  if (!isRemovable(backend)) return genericError('Device is not removable');
  if (!backend.trayOpen) return genericError('Tray of the device is not open');
  if (backend.root !== undefined) return genericError('There already is a medium in the device');
  const locked = mediumLockConflict(machine.graph, node, backend.owner.driver);
  if (locked !== undefined) return genericError(locked);
  if (backend.owner.driver === 'scsi-cd') node.readOnly = true;
  backend.root = node;
  mediumInserted(backend);
  return ok({});
}

const insertMedium: CommandHandler<Machine> = (machine, raw) => {
  const a = parseArgs({ id: str, 'node-name': str }, raw);
  if (!a.ok) return { error: a.error };
  const backend = deviceBackend(machine, a.value);
  return 'error' in backend ? backend : insert(machine, backend, a.value['node-name']);
};

/**
 * qmp_blockdev_change_medium: open the image first (so its open and lock errors come before the
 * removable check, probed), then open tray, remove, insert, close.
 */
const changeMedium: CommandHandler<Machine> = (machine, raw) => {
  const a = parseArgs({ ...idArgs, filename: str, format: optional(str), force: optional(bool), 'read-only-mode': optional(enumOf('retain')) }, raw);
  if (!a.ok) return { error: a.error };
  const backend = deviceBackend(machine, a.value);
  if ('error' in backend) return backend;
  // bdrv_open without a node-name: an auto-named node that closes when nothing uses it.
  const opened = openTree(machine, { driver: a.value.format ?? 'qcow2', file: { driver: 'file', filename: a.value.filename } });
  if (!opened.ok) return genericError(opened.message);
  if (!isRemovable(backend)) {
    releaseIfUnused(machine.graph, opened.node);
    return genericError(`Device '${backend.owner.qdevId}' is not removable`);
  }
  moveTray(machine, backend, true);
  ejectMedium(machine, backend);
  const inserted = insert(machine, backend, opened.node.nodeName);
  if ('error' in inserted) return inserted;
  moveTray(machine, backend, false);
  return ok({});
};

export const mediaCommands: CommandTable<Machine> = {
  'blockdev-open-tray': trayCommand(true),
  'blockdev-close-tray': trayCommand(false),
  'blockdev-remove-medium': removeMedium,
  'blockdev-insert-medium': insertMedium,
  'blockdev-change-medium': changeMedium,
};
