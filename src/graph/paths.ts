/**
 * File-name arithmetic as block.c does it on POSIX hosts (path_has_protocol, path_is_absolute,
 * path_combine), and realpath over the simulated file system. The image store is one directory,
 * QEMU's working directory, holding images by plain name: `./base.qcow2` and `sub/../base.qcow2`
 * find `base.qcow2` there, while an absolute path names a directory the sim does not model.
 */
import type { ImageStore } from '../image/store.ts';

/** block.c:path_has_protocol: a ':' before the first '/' (`json:{...}`, `null-co://`). */
export function pathHasProtocol(path: string): boolean {
  const stop = path.search(/[:/]/);
  return stop >= 0 && path[stop] === ':';
}

export function pathIsAbsolute(path: string): boolean {
  return path.startsWith('/');
}

/**
 * block.c:path_combine: `filename` relative to the directory part of `base` (everything up to
 * and including its last '/', or after a protocol prefix); an absolute `filename` stays as is.
 */
export function pathCombine(base: string, filename: string): string {
  if (pathIsAbsolute(filename)) return filename;
  const protocol = pathHasProtocol(base) ? base.indexOf(':') + 1 : 0;
  const dirEnd = Math.max(protocol, base.lastIndexOf('/') + 1);
  return base.slice(0, dirEnd) + filename;
}

/**
 * realpath(3) over the image store: the canonical name of an existing image file, or undefined.
 * The one directory has no subdirectories, so `x/../base.qcow2` fails as it does when `x` does
 * not exist, and so does anything absolute or leaving the directory.
 */
export function realpath(store: ImageStore, path: string): string | undefined {
  if (pathIsAbsolute(path)) return undefined;
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  const [name] = parts;
  return parts.length === 1 && name !== undefined && name !== '..' && store.get(name) !== undefined ? name : undefined;
}
