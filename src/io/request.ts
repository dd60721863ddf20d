/**
 * Block requests as QEMU's generic path sees them: a kind, a byte range and the request flags
 * (include/block/block-common.h, BdrvRequestFlags). The data a write carries is symbolic: runs
 * of pattern bytes covering exactly the request range.
 */
import type { Run } from '../data/extent-map.ts';
import type { Bytes } from '../size.ts';

const REQUEST_FLAGS = [
  'BDRV_REQ_COPY_ON_READ',
  'BDRV_REQ_ZERO_WRITE',
  'BDRV_REQ_MAY_UNMAP',
  'BDRV_REQ_FUA',
  'BDRV_REQ_WRITE_COMPRESSED',
  'BDRV_REQ_WRITE_UNCHANGED',
  'BDRV_REQ_SERIALISING',
  'BDRV_REQ_NO_FALLBACK',
  'BDRV_REQ_PREFETCH',
] as const;

export type RequestFlag = (typeof REQUEST_FLAGS)[number];
export type RequestFlags = ReadonlySet<RequestFlag>;

export const NO_FLAGS: RequestFlags = new Set();

export function flags(...list: RequestFlag[]): RequestFlags {
  return new Set(list);
}

export function withFlag(set: RequestFlags, flag: RequestFlag): RequestFlags {
  return new Set([...set, flag]);
}

export function withoutFlag(set: RequestFlags, flag: RequestFlag): RequestFlags {
  return new Set([...set].filter((f) => f !== flag));
}

/**
 * The request kinds. A zero write is a write with BDRV_REQ_ZERO_WRITE in QEMU; the sim keeps the
 * kind explicit so a write always carries data and a zero write never does.
 */
export type Request =
  | { readonly kind: 'read'; readonly offset: Bytes; readonly bytes: Bytes; readonly flags: RequestFlags }
  | {
      readonly kind: 'write' | 'write-compressed';
      readonly offset: Bytes;
      readonly bytes: Bytes;
      readonly flags: RequestFlags;
      /** Runs covering exactly [offset, offset + bytes). */
      readonly data: readonly Run[];
    }
  | { readonly kind: 'write-zeroes' | 'discard'; readonly offset: Bytes; readonly bytes: Bytes; readonly flags: RequestFlags };

export type ModifyKind = Exclude<Request['kind'], 'read'>;

/** Errno values the sim produces, as qemu-io prints them (strerror). */
export const ERRNO_TEXT = {
  EIO: 'Input/output error',
  EPERM: 'Operation not permitted',
  EINVAL: 'Invalid argument',
  ENOSPC: 'No space left on device',
  ENOTSUP: 'Operation not supported',
  ENOMEDIUM: 'No medium found',
  EACCES: 'Permission denied',
} as const;

export type Errno = keyof typeof ERRNO_TEXT;

/** A request's outcome. A read returns runs covering exactly its range (zeroes included). */
export type IoResult<T = undefined> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errno: Errno };

export const DONE: IoResult = { ok: true, value: undefined };

export function failed(errno: Errno): { readonly ok: false; readonly errno: Errno } {
  return { ok: false, errno };
}
