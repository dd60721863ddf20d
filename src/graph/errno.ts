/** Linux errno numbers as QAPI passes them (blkdebug `errno`), for the errnos the sim models. */
import type { Errno } from '../io/request.ts';

export const ERRNO_BY_NUMBER: ReadonlyMap<number, Errno> = new Map([
  [1, 'EPERM'],
  [5, 'EIO'],
  [13, 'EACCES'],
  [22, 'EINVAL'],
  [28, 'ENOSPC'],
  [95, 'ENOTSUP'],
  [123, 'ENOMEDIUM'],
]);
