/**
 * The simulator as one object: a Machine driven by QMP commands and qemu-io lines, with its
 * events and an observation of every bitmap. This is what the runner's sim backend wraps.
 */
import { observeBitmaps, type NodeObservation } from './bitmaps/observe.ts';
import { blockdevAdd } from './graph/open.ts';
import type { ImageFormat } from './image/image.ts';
import { ImageStore } from './image/store.ts';
import { qemuIo, type QemuIoResult } from './io/qemu-io.ts';
import { Machine, type Semantics } from './machine.ts';
import { qmpCommands } from './qmp/commands/index.ts';
import { dispatch } from './qmp/dispatcher.ts';
import type { QmpEvent, QmpReply } from './qmp/reply.ts';

export interface SimulatorOptions {
  readonly semantics?: Semantics;
  /** The host files; pass the previous simulator's store to reopen the same images. */
  readonly images?: ImageStore;
}

export class Simulator {
  readonly machine: Machine;

  constructor(options: SimulatorOptions = {}) {
    this.machine = new Machine(options.semantics ?? 'qemu-7.2', options.images ?? new ImageStore());
  }

  get semantics(): Semantics {
    return this.machine.semantics;
  }

  /** The image files, for `qemu-img create` (image/create.ts) before nodes are opened. */
  get images(): ImageStore {
    return this.machine.images;
  }

  qmp(command: string, args: Readonly<Record<string, unknown>> = {}): QmpReply {
    return dispatch(qmpCommands, this.machine, command, args);
  }

  /**
   * A qemu-io line on a guest device (qdev id, its BlockBackend) or else a node name. An unknown
   * target gives HMP qemu-io's text (probed on 7.2.22).
   */
  io(target: string, line: string): QemuIoResult {
    const found = this.machine.graph.device(target) ?? this.machine.graph.node(target);
    if (found === undefined) return { ok: false, message: `Cannot find device='' nor node-name='${target}'` };
    return qemuIo(this.machine, found, line);
  }

  /**
   * `qemu-io -f FORMAT -c LINE FILE` on a closed image: the tool opens the image (with its
   * backing chain) through its own block layer, here a throw-away Machine over the same files.
   * TODO(persistence): stored `auto` bitmaps are not yet loaded, so offline writes dirty none.
   */
  offlineIo(filename: string, format: ImageFormat, line: string): QemuIoResult {
    const tool = new Machine(this.semantics, this.images);
    const opened = blockdevAdd(tool, { driver: format, 'node-name': 'image', file: { driver: 'file', filename } });
    return opened.ok ? qemuIo(tool, opened.node, line) : { ok: false, message: opened.message };
  }

  /** Events emitted since the last call, oldest first. */
  takeEvents(): QmpEvent[] {
    return this.machine.events.splice(0);
  }

  /** Every node with its bitmaps in QEMU's listing order, with exact contents. */
  observe(): readonly NodeObservation[] {
    return observeBitmaps(this.machine.graph);
  }
}
