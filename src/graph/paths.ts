/**
 * File-name arithmetic as block.c does it on POSIX hosts (path_has_protocol, path_is_absolute,
 * path_combine), and realpath over the simulated file system. The image store is one directory,
 * QEMU's working directory (image/store.ts), holding images by plain name: `./base.qcow2` and
 * `/dirtysim/session/base.qcow2` find `base.qcow2` there.
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

/** Where a path leads on the simulated host: a directory (absolute path), an image file, or nowhere. */
export type PathTarget = { readonly kind: 'directory'; readonly path: string } | { readonly kind: 'file'; readonly name: string } | undefined;

/**
 * Path lookup over the simulated host. A relative path starts at the working directory, the
 * store's one image directory; the only directories are that one and its ancestors, so
 * `x/../base.qcow2` fails as it does when `x` does not exist, and so does a path through a file
 * (ENOTDIR).
 */
export function lookupPath(store: ImageStore, path: string): PathTarget {
  const dir = store.directory.split('/').filter((part) => part !== '');
  let at: string[] = pathIsAbsolute(path) ? [] : [...dir];
  let file: string | undefined;
  for (const part of path.split('/')) {
    if (file !== undefined) return undefined;
    if (part === '' || part === '.') continue;
    if (part === '..') at = at.slice(0, -1);
    else if (at.length < dir.length && part === dir[at.length]) at = [...at, part];
    else if (at.length === dir.length && store.has(part)) file = part;
    else return undefined;
  }
  return file === undefined ? { kind: 'directory', path: `/${at.join('/')}` } : { kind: 'file', name: file };
}

/** realpath(3) over the simulated host: the canonical absolute path of an existing image file, or undefined. */
export function realpath(store: ImageStore, path: string): string | undefined {
  const target = lookupPath(store, path);
  return target?.kind === 'file' ? `${store.directory}/${target.name}` : undefined;
}
