/**
 * block/null.c (`null-co`): a device of `size` bytes that stores nothing. Reads return zeroes
 * (with read-zeroes=false QEMU leaves the buffer untouched; the sim reads zeroes either way).
 * It has no discard and no truncate. Block status reports ZERO only with read-zeroes, so only then
 * is the range "allocated" for copy-on-read.
 */
import type { Range, Run } from '../../data/extent-map.ts';
import { DONE, failed, type IoResult } from '../../io/request.ts';
import type { Bytes } from '../../size.ts';
import type { BlockNode, Driver, IoPath, ModifyRequest, TruncateResult } from '../node.ts';

export class NullDriver implements Driver {
  readonly name = 'null-co';
  readonly isFilter = false;
  readonly supportsDiscard = false;

  constructor(
    private readonly size: Bytes,
    readonly readZeroes: boolean,
  ) {}

  length(): Bytes {
    return this.size;
  }

  clusterSize(): undefined {
    return undefined;
  }

  filename(): undefined {
    return undefined;
  }

  read(_io: IoPath, _node: BlockNode, offset: Bytes, bytes: Bytes): IoResult<readonly Run[]> {
    return { ok: true, value: [{ start: offset, end: offset + bytes, byte: 0 }] };
  }

  modify(_io: IoPath, _node: BlockNode, request: ModifyRequest): IoResult {
    return request.kind === 'write-compressed' ? failed('ENOTSUP') : DONE;
  }

  allocated(_node: BlockNode, offset: Bytes, bytes: Bytes): readonly Range[] {
    return this.readZeroes && bytes > 0 ? [{ start: offset, end: offset + bytes }] : [];
  }

  truncate(): TruncateResult {
    return { ok: false, message: 'Image format driver does not support resize' };
  }
}
