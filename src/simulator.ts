/**
 * The simulator as one object: a Machine driven by QMP commands and qemu-io lines, with its
 * events and an observation of every bitmap. This is what the runner's sim backend wraps.
 */
import { observeBitmaps, type NodeObservation } from './bitmaps/observe.ts';
import { hostToolLockError } from './graph/image-lock.ts';
import { blockdevAdd } from './graph/open.ts';
import { advanceJob, type AdvanceLimit, type AdvanceResult } from './jobs/advance.ts';
import { infoFlags, type InfoFlag } from './image/bitmap-directory.ts';
import type { ImageFormat } from './image/image.ts';
import { ImageStore } from './image/store.ts';
import { qemuIo, type QemuIoResult } from './io/qemu-io.ts';
import { Machine, type Semantics } from './machine.ts';
import { qemuImgBitmap, type ToolResult } from './persistence/qemu-img-bitmap.ts';
import { qmpCommands } from './qmp/commands/index.ts';
import { dispatch } from './qmp/dispatcher.ts';
import type { QmpEvent, QmpReply } from './qmp/reply.ts';

export interface SimulatorOptions {
  readonly semantics?: Semantics;
  /** The host files; pass the previous simulator's store to reopen the same images. */
  readonly images?: ImageStore;
}

/** One entry of `qemu-img info`'s format-specific `bitmaps` list. */
export interface StoredBitmapInfo {
  readonly name: string;
  readonly granularity: number;
  readonly flags: readonly InfoFlag[];
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
   * Moves job `id` on: by a number of chunks, until a status, or until it settles (jobs/advance.ts).
   * Jobs never move otherwise, so a scenario can put guest I/O between two chunks.
   */
  advanceJob(id: string, limit: AdvanceLimit): AdvanceResult {
    return advanceJob(this.machine, id, limit);
  }

  /**
   * `qemu-io -f FORMAT -c LINE... FILE` on a closed image: the tool opens the image (with its
   * backing chain) through its own block layer, here a throw-away Machine over the same files, so
   * the image's `auto` bitmaps load and record the writes, and are stored when the tool exits
   * (reference 5.5). A file this instance holds is refused by image locking (graph/image-lock.ts).
   * Any failure to open reads `can't open device FILE: ...` (qemu-io's openfile, probed on 7.2.22).
   */
  offlineIo(filename: string, format: ImageFormat, lines: string | readonly string[]): QemuIoResult {
    const image = this.images.get(filename);
    const open = { filename: image?.filename ?? filename, path: filename, format, readOnly: false };
    const locked = hostToolLockError(this.machine.graph, open);
    if (locked !== undefined) return { ok: false, message: `can't open device ${filename}: ${locked}` };
    const tool = new Machine(this.semantics, this.images);
    const opened = blockdevAdd(tool, { driver: format, 'node-name': 'image', file: { driver: 'file', filename } });
    if (!opened.ok) return { ok: false, message: `can't open device ${filename}: ${opened.message}` };
    let result: QemuIoResult = { ok: true };
    for (const line of typeof lines === 'string' ? [lines] : lines) {
      result = qemuIo(tool, opened.node, line);
      if (!result.ok) break;
    }
    tool.quit();
    return result;
  }

  /** `qemu-img bitmap ARGS...` (the words after `bitmap`) on a closed image of this host. */
  qemuImgBitmap(args: readonly string[]): ToolResult {
    return qemuImgBitmap(this.images, this.semantics, args, this.machine.graph);
  }

  /**
   * The stored bitmap directory of an image file as `qemu-img info -U` lists it (directory
   * order), [] for an image without bitmaps, undefined when there is no such file.
   */
  storedBitmaps(filename: string): readonly StoredBitmapInfo[] | undefined {
    const image = this.images.get(filename);
    if (image === undefined) return undefined;
    if (image.format !== 'qcow2') return [];
    return image.bitmaps.entries().map((e) => ({ name: e.name, granularity: e.granularity, flags: infoFlags(e) }));
  }

  /** Clean quit: every node stores its persistent bitmaps. The simulator is not used afterwards. */
  quit(): void {
    this.machine.quit();
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
