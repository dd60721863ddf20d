/**
 * dirtysim's public core: the Simulator facade and the vocabulary it speaks (sizes, QMP replies
 * and events, qemu-img image creation, qemu-io results, bitmap observations).
 */
export { Simulator } from './simulator.ts';
export type { SimulatorOptions } from './simulator.ts';
export type { Semantics } from './machine.ts';

export { formatSize, parseSize, size } from './size.ts';
export type { Bytes, SizeParse } from './size.ts';

export { isError } from './qmp/reply.ts';
export type { QmpError, QmpErrorClass, QmpEvent, QmpReply } from './qmp/reply.ts';

export { createImage } from './image/create.ts';
export type { CreateOptions, CreateResult } from './image/create.ts';
export type { ImageFormat, Qcow2Compat } from './image/image.ts';

export type { QemuIoResult } from './io/qemu-io.ts';
export type { BitmapExtent, BitmapObservation, BlockDirtyInfo, NodeObservation } from './bitmaps/observe.ts';
