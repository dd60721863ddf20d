/**
 * The guest devices of one QEMU: what bus a device_add needs first, and how HMP qemu-io reaches
 * each device's BlockBackend. Scenarios add scsi-hd and scsi-cd without a controller, as the
 * simulator models no bus; QEMU refuses them without one (`No 'SCSI' bus found for device
 * 'scsi-hd'`, probed on 7.2.22), so the session adds one virtio-scsi-pci before the first.
 *
 * qemu-io -d takes a QOM path or qdev id of the device holding the BlockBackend
 * (hmp_qemu_io -> blk_by_qdev_id). For virtio-blk-pci the qdev id names the PCI proxy, which
 * "does not have a block device backend"; the inner device does, at
 * /machine/peripheral/ID/virtio-backend. A SCSI disk is itself the device: `-d ID` reaches it
 * (probed on 7.2.22 with scsi-hd, plain id and /machine/peripheral/ID alike).
 */
import type { QmpReply } from '../../../src/qmp/reply.ts';

type Json = Readonly<Record<string, unknown>>;

const SCSI_MODELS: readonly string[] = ['scsi-hd', 'scsi-cd'];

/** The controller the session adds; its id cannot clash with a scenario's (ids are the user's). */
export const SCSI_CONTROLLER: Json = { driver: 'virtio-scsi-pci', id: 'dirtysim-scsi0' };

export class GuestDevices {
  /** Device model by qdev id, for the devices QEMU has now. */
  private readonly models = new Map<string, string>();
  private scsiBus = false;

  /** The Setup's devices, which graph-setup adds as virtio-blk-pci. */
  constructor(setupDevices: readonly { readonly id: string }[]) {
    for (const d of setupDevices) this.models.set(d.id, 'virtio-blk-pci');
  }

  /** The controller to add before `device_add args`, if the device needs a bus not there yet. */
  busFor(command: string, args: Json): Json | undefined {
    const driver = args['driver'];
    return command === 'device_add' && typeof driver === 'string' && SCSI_MODELS.includes(driver) && !this.scsiBus ? SCSI_CONTROLLER : undefined;
  }

  busAdded(): void {
    this.scsiBus = true;
  }

  /** Follows device_add and device_del by their replies. */
  heard(command: string, args: Json, reply: QmpReply): void {
    if ('error' in reply || typeof args['id'] !== 'string') return;
    if (command === 'device_add' && typeof args['driver'] === 'string') this.models.set(args['id'], args['driver']);
    if (command === 'device_del') this.models.delete(args['id']);
  }

  /** The HMP qemu-io target argument for a device id or a node name. */
  ioTarget(target: string): string {
    const model = this.models.get(target);
    if (model === undefined) return target;
    return model === 'virtio-blk-pci' ? `-d /machine/peripheral/${target}/virtio-backend` : `-d ${target}`;
  }
}
