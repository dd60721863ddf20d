/**
 * The qcow2 bitmap directory of an image file (docs/interop/qcow2.txt "Bitmaps extension",
 * block/qcow2-bitmap.c; reference 5.1): entries in directory order, each with its name,
 * granularity, flags and stored contents. Host layout (bitmap tables, clusters) is not modelled;
 * an entry holds its contents as a private copy, so what the image stores never aliases a live
 * bitmap.
 */
import type { HBitmap } from '../hbitmap/hbitmap.ts';
import type { Bytes } from '../size.ts';

/** QCOW2_MAX_BITMAPS (block/qcow2.h). */
export const QCOW2_MAX_BITMAPS = 65535;
/** QCOW2_MAX_BITMAP_DIRECTORY_SIZE (block/qcow2.h). */
export const QCOW2_MAX_BITMAP_DIRECTORY_SIZE = 1024 * QCOW2_MAX_BITMAPS;

/**
 * Who a stored bitmap belongs to. QEMU 7.2 stores only node bitmaps (it refuses entries with extra
 * data: "Bitmap extra data is not supported"); a BlockBackend (drive-level) bitmap is the
 * project's extension and names its device here, so loading can hand it back to that device.
 */
export type BitmapOwner = { readonly kind: 'node' } | { readonly kind: 'device'; readonly qdevId: string };

export interface StoredBitmap {
  readonly name: string;
  readonly granularity: Bytes;
  /** Only type 1, dirty tracking, exists. */
  readonly type: 'dirty-tracking';
  /** Set while a writable QEMU has the bitmap loaded; still set after an unclean shutdown. */
  readonly inUse: boolean;
  /** The bitmap was enabled when stored: it loads enabled. */
  readonly auto: boolean;
  /** The bits as last stored; never mutated (copies go in and out). */
  readonly contents: HBitmap;
  /** Why the contents are not exact (carried from the in-memory bitmap), if they are not. */
  readonly unmodelled: string | undefined;
  readonly owner: BitmapOwner;
}

/** Flags as `qemu-img info` lists them: in-use before auto. */
export type InfoFlag = 'in-use' | 'auto';

export function infoFlags(entry: StoredBitmap): InfoFlag[] {
  return [...(entry.inUse ? (['in-use'] as const) : []), ...(entry.auto ? (['auto'] as const) : [])];
}

/** One entry's bytes: 24 of header, the name, padded to 8 (block/qcow2-bitmap.c:calc_dir_entry_size). */
export function dirEntrySize(name: string): number {
  return Math.ceil((24 + new TextEncoder().encode(name).length) / 8) * 8;
}

export class BitmapDirectory {
  #entries: StoredBitmap[] = [];

  /** Entries in directory order. */
  entries(): readonly StoredBitmap[] {
    return this.#entries;
  }

  find(name: string): StoredBitmap | undefined {
    return this.#entries.find((e) => e.name === name);
  }

  get size(): number {
    return this.#entries.reduce((sum, e) => sum + dirEntrySize(e.name), 0);
  }

  /** Replace the entry of the same name in place, or append a new one (store keeps positions). */
  put(entry: StoredBitmap): void {
    const i = this.#entries.findIndex((e) => e.name === entry.name);
    if (i >= 0) this.#entries[i] = entry;
    else this.#entries.push(entry);
  }

  /** Deletes the entry; absence is not an error (qcow2_co_remove_persistent_dirty_bitmap). */
  remove(name: string): void {
    this.#entries = this.#entries.filter((e) => e.name !== name);
  }

  /** Rewrites the flags of one entry, keeping its place and contents. */
  setFlags(name: string, flags: { readonly inUse: boolean; readonly auto: boolean }): void {
    const e = this.find(name);
    if (e !== undefined) this.put({ ...e, ...flags });
  }
}
