/**
 * The raw format (block/raw-format.c): every request goes to the file child, shifted by the
 * `offset` option, and the node is `size` bytes long when that option is given, else the rest of
 * the file after `offset` (raw_getlength). So a window [offset, offset+size) of the file is the
 * whole disk, and a bitmap on the file node sees a write at raw offset X at X+offset:
 *
 *   file  0 ......... 512K [ window: raw 0 .. 256K ] 768K ......... 1M
 *   write raw 64K+4K   ->  file 576K+4K   (raw_adjust_offset)
 *
 * Without either option this is the plain pass-through raw has always been.
 */
import type { Range, Run } from '../../data/extent-map.ts';
import type { IoResult, RequestFlags } from '../../io/request.ts';
import type { Bytes } from '../../size.ts';
import type { BlockNode, IoPath, ModifyRequest, TruncateResult } from '../node.ts';
import { PassThroughDriver } from './passthrough.ts';

export interface RawWindow {
  readonly offset: Bytes;
  /** Absent: the rest of the file, following its length. */
  readonly size?: Bytes;
}

/**
 * raw_apply_options: the window must fit in the file as it is when the node opens, and a size
 * must be whole sectors. Messages as QEMU 7.2.22 prints them, double space included.
 */
export function rawWindow(offset: Bytes | undefined, size: Bytes | undefined, fileLength: Bytes): RawWindow | string {
  for (const [name, value] of [['offset', offset], ['size', size]] as const) {
    if (value !== undefined && value < 0) return `Parameter '${name}' expects a non-negative number below 2^64`;
  }
  const start = offset ?? 0;
  if (start > fileLength) return `Offset (${start}) cannot be greater than size of the containing file (${fileLength})`;
  if (size === undefined) return { offset: start };
  if (fileLength - start < size) {
    return `The sum of offset (${start}) and size (${size}) has to be smaller or equal to the  actual size of the containing file (${fileLength})`;
  }
  if (size % 512 !== 0) return 'Specified size is not multiple of 512';
  return { offset: start, size };
}

export class RawDriver extends PassThroughDriver {
  constructor(private readonly window: RawWindow) {
    super('raw', false);
  }

  /** raw_getlength: the window, clipped to the file if it shrank since (0 past its end). */
  override length(node: BlockNode): Bytes {
    const rest = Math.max(0, this.child(node).length() - this.window.offset);
    return this.window.size === undefined ? rest : Math.min(this.window.size, rest);
  }

  override read(io: IoPath, node: BlockNode, offset: Bytes, bytes: Bytes, flags: RequestFlags): IoResult<readonly Run[]> {
    const r = super.read(io, node, offset + this.window.offset, bytes, flags);
    return r.ok ? { ok: true, value: shiftRuns(r.value, -this.window.offset) } : r;
  }

  override modify(io: IoPath, node: BlockNode, request: ModifyRequest): IoResult {
    const shift = this.window.offset;
    if (shift === 0) return super.modify(io, node, request);
    const offset = request.offset + shift;
    return super.modify(io, node, 'data' in request ? { ...request, offset, data: shiftRuns(request.data, shift) } : { ...request, offset });
  }

  override allocated(node: BlockNode, offset: Bytes, bytes: Bytes): readonly Range[] {
    return shiftRuns(super.allocated(node, offset + this.window.offset, bytes), -this.window.offset);
  }

  /** raw_co_truncate: a fixed size cannot change; otherwise the file is resized past the offset. */
  override truncate(io: IoPath, node: BlockNode, size: Bytes): TruncateResult {
    if (this.window.size !== undefined) return { ok: false, message: 'Cannot resize fixed-size raw disks' };
    return super.truncate(io, node, size + this.window.offset);
  }
}

function shiftRuns<T extends Range>(runs: readonly T[], by: Bytes): readonly T[] {
  return by === 0 ? runs : runs.map((r) => ({ ...r, start: r.start + by, end: r.end + by }));
}
