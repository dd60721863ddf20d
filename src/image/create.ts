/**
 * `qemu-img create` on the simulated host file system. Messages are qemu-img's (probed on 7.2,
 * without the "qemu-img: <file>: " prefix).
 */
import type { Bytes } from '../size.ts';
import { newQcow2, newRaw, type Image, type ImageFormat, type Qcow2Compat } from './image.ts';
import type { ImageStore } from './store.ts';

export interface CreateOptions {
  readonly filename: string;
  readonly format: ImageFormat;
  /** Optional for qcow2 with a backing file: the backing image's size is taken. */
  readonly size?: Bytes;
  readonly clusterSize?: Bytes;
  readonly backingFile?: string;
  readonly backingFormat?: ImageFormat;
  readonly compat?: Qcow2Compat;
}

export type CreateResult = { readonly ok: true; readonly image: Image } | { readonly ok: false; readonly message: string };

const DEFAULT_CLUSTER_SIZE = 65536;

export function createImage(store: ImageStore, o: CreateOptions): CreateResult {
  if (o.format === 'raw') {
    if (o.backingFile !== undefined) return { ok: false, message: "Backing file not supported for file format 'raw'" };
    if (o.size === undefined) return { ok: false, message: 'Image creation needs a size parameter' };
    return put(store, newRaw(o.filename, o.size));
  }
  const clusterSize = o.clusterSize ?? DEFAULT_CLUSTER_SIZE;
  if (!isPowerOfTwo(clusterSize) || clusterSize < 512 || clusterSize > 2 * 1024 * 1024) {
    return { ok: false, message: 'Cluster size must be a power of two between 512 and 2048k' };
  }
  let size = o.size;
  if (o.backingFile !== undefined) {
    const backing = store.get(o.backingFile);
    // qemu-img opens the backing file only to learn the size it needs.
    if (backing === undefined && size === undefined) {
      return { ok: false, message: `Could not open '${o.backingFile}': No such file or directory\nCould not open backing image.` };
    }
    size ??= backing?.size;
  }
  if (size === undefined) return { ok: false, message: 'Image creation needs a size parameter' };
  return put(
    store,
    newQcow2({
      filename: o.filename,
      size,
      clusterSize,
      compat: o.compat ?? '1.1',
      backingFile: o.backingFile,
      backingFormat: o.backingFormat,
    }),
  );
}

function put(store: ImageStore, image: Image): CreateResult {
  // The simulated host has only the session directory (and its parents): qemu-img's create fails elsewhere.
  if (!store.put(image)) return { ok: false, message: `Could not create '${image.filename}': No such file or directory` };
  return { ok: true, image };
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}
