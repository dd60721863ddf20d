/**
 * Host image files as `qemu-img create` makes them. A qcow2 file holds its guest-visible
 * (virtual) data as an extent map plus its header facts; a raw file holds its bytes. Host-side
 * qcow2 layout (L1/L2 tables, refcounts, cluster placement) is not modelled.
 */
import { ExtentMap } from '../data/extent-map.ts';
import { BitmapDirectory } from './bitmap-directory.ts';
import type { Bytes } from '../size.ts';

export type ImageFormat = 'qcow2' | 'raw';

/** qcow2 `compat`: 0.10 is version 2, 1.1 is version 3 (the default since QEMU 1.7). */
export type Qcow2Compat = '0.10' | '1.1';

export interface Qcow2Image {
  readonly format: 'qcow2';
  readonly filename: string;
  /** Virtual disk size. */
  size: Bytes;
  readonly clusterSize: Bytes;
  readonly compat: Qcow2Compat;
  /** The header's backing file name and format; changeBackingFile is their one writer. */
  readonly backingFile: string | undefined;
  readonly backingFormat: ImageFormat | undefined;
  /** Allocated guest clusters; unallocated ranges read from the backing file. */
  readonly data: ExtentMap;
  /** The stored persistent bitmaps (the "Bitmaps" header extension and its directory). */
  readonly bitmaps: BitmapDirectory;
}

export interface RawImage {
  readonly format: 'raw';
  readonly filename: string;
  /** File length. */
  size: Bytes;
  /** Written bytes; the rest of the file reads as zeroes. */
  readonly data: ExtentMap;
}

export type Image = Qcow2Image | RawImage;

/**
 * Length of a fresh qcow2 file: header, refcount table and refcount block take a cluster each,
 * then the L1 table (8 bytes an entry) ends the file (block/qcow2.c:qcow2_co_create). Checked on
 * qemu-img 7.2: 1M -> 196616, 100G -> 198208, 1T -> 212992, 1G at 4K clusters -> 16384. Only used
 * as the length of the protocol node under qcow2, whose host layout is otherwise unmodelled.
 */
export function qcow2HostLength(image: Qcow2Image): Bytes {
  const c = image.clusterSize;
  const l1Entries = Math.ceil(image.size / (c * (c / 8)));
  return 3 * c + l1Entries * 8;
}

/**
 * block.c:bdrv_change_backing_file (qcow2_change_backing_file): rewrite the header's backing file
 * name and format, or remove both. What a later open of the image follows (graph/open.ts).
 */
export function changeBackingFile(image: Qcow2Image, file: string | undefined, format: ImageFormat | undefined): void {
  const header: { backingFile: string | undefined; backingFormat: ImageFormat | undefined } = image;
  header.backingFile = file;
  header.backingFormat = file === undefined ? undefined : format;
}

export function newQcow2(fields: Omit<Qcow2Image, 'format' | 'data' | 'bitmaps'>): Qcow2Image {
  return { format: 'qcow2', ...fields, data: new ExtentMap(), bitmaps: new BitmapDirectory() };
}

export function newRaw(filename: string, size: Bytes): RawImage {
  return { format: 'raw', filename, size, data: new ExtentMap() };
}
