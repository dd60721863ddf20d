/**
 * block/file-posix.c (`file`): the protocol node over a host file. Over a raw image it is exact:
 * the file's bytes are the image's extent map, a discard (with discard=unmap) punches a hole
 * that reads as zeroes. Over a qcow2 image the host layout is not modelled: the node has the
 * length of the qcow2 file, and guest I/O issued directly at it fails with ENOTSUP rather than
 * inventing container bytes. Its lock options are graph/image-lock.ts's input.
 */
import type { Range, Run } from '../../data/extent-map.ts';
import { qcow2HostLength, type Image } from '../../image/image.ts';
import { DONE, failed, type IoResult } from '../../io/request.ts';
import type { Bytes } from '../../size.ts';
import type { BlockNode, Driver, IoPath, ModifyRequest, TruncateResult } from '../node.ts';

/** `locking` (on and auto lock on Linux) and the node's inherited force-share. */
export interface FileLockOptions {
  readonly locking: boolean;
  readonly forceShare: boolean;
}

export class FileDriver implements Driver {
  readonly name = 'file';
  readonly isFilter = false;
  readonly supportsDiscard = true;

  constructor(
    readonly image: Image,
    readonly lock: FileLockOptions = { locking: true, forceShare: false },
  ) {}

  length(): Bytes {
    return this.image.format === 'raw' ? this.image.size : qcow2HostLength(this.image);
  }

  clusterSize(): undefined {
    return undefined;
  }

  filename(): string {
    return this.image.filename;
  }

  read(_io: IoPath, _node: BlockNode, offset: Bytes, bytes: Bytes): IoResult<readonly Run[]> {
    if (this.image.format !== 'raw') return failed('ENOTSUP');
    return { ok: true, value: this.image.data.read(offset, bytes) };
  }

  modify(_io: IoPath, _node: BlockNode, request: ModifyRequest): IoResult {
    const image = this.image;
    if (image.format !== 'raw' || request.kind === 'write-compressed') return failed('ENOTSUP');
    const { offset, bytes } = request;
    if (request.kind === 'write') image.data.setRuns(request.data);
    else if (request.kind === 'write-zeroes') image.data.set(offset, bytes, 0);
    else image.data.clear(offset, bytes);
    return DONE;
  }

  /** A protocol node has no backing, so all of it is allocated (data or zero). */
  allocated(_node: BlockNode, offset: Bytes, bytes: Bytes): readonly Range[] {
    return bytes > 0 ? [{ start: offset, end: offset + bytes }] : [];
  }

  truncate(_io: IoPath, _node: BlockNode, size: Bytes): TruncateResult {
    const image = this.image;
    if (image.format !== 'raw') return { ok: false, message: 'resizing the host file of a qcow2 image is not modelled' };
    if (size < image.size) image.data.truncate(size);
    image.size = size;
    return { ok: true };
  }
}
