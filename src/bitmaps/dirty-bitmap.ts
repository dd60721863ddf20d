/**
 * BdrvDirtyBitmap: one dirty bitmap attached to a node, with the state QEMU keeps beside the bits
 * (block/dirty-bitmap.c, struct BdrvDirtyBitmap; reference 3.1, 3.2).
 *
 * The bits live in an HBitmap. What QEMU spreads over loose booleans is a tagged state here, so
 * the combinations QEMU never produces cannot be written:
 *   active        enabled or disabled; busy only by an outside user (NBD export, transaction remove)
 *   frozen        has a successor; always busy and disabled (bdrv_dirty_bitmap_create_successor)
 *   inconsistent  loaded with qcow2 `in_use`: never recording, no data (all zero), only removable
 * `readonly` and `persistent` are independent flags.
 *
 * Some contents are knowingly not modelled (e.g. the host offsets qcow2 writes into its protocol
 * child). `markUnmodelled` records why; observation must then say so instead of inventing bits.
 */
import { HBitmap } from '../hbitmap/hbitmap.ts';
import type { Bytes } from '../size.ts';

type State =
  | { readonly kind: 'active'; readonly contents: HBitmap; disabled: boolean; busy: boolean }
  | { readonly kind: 'frozen'; readonly contents: HBitmap; readonly successor: BdrvDirtyBitmap }
  | { readonly kind: 'inconsistent'; busy: boolean };

/** bdrv_dirty_bitmap_check flags (include/block/dirty-bitmap.h). */
export const BDRV_BITMAP_BUSY = 1;
export const BDRV_BITMAP_RO = 2;
export const BDRV_BITMAP_INCONSISTENT = 4;
export const BDRV_BITMAP_DEFAULT = BDRV_BITMAP_BUSY | BDRV_BITMAP_RO | BDRV_BITMAP_INCONSISTENT;
export const BDRV_BITMAP_ALLOW_RO = BDRV_BITMAP_BUSY | BDRV_BITMAP_INCONSISTENT;

/** Contents saved before a clear or merge, so a transaction abort can put them back. */
export interface ContentsBackup {
  readonly contents: HBitmap;
  readonly unmodelled: string | undefined;
}

export interface BitmapOptions {
  readonly disabled?: boolean;
  readonly persistent?: boolean;
  readonly readonly?: boolean;
}

export class BdrvDirtyBitmap {
  #name: string | undefined;
  #state: State;
  #granularity: Bytes;
  #size: Bytes;
  #readonly: boolean;
  #persistent: boolean;
  #unmodelled: string | undefined;

  private constructor(name: string | undefined, state: State, granularity: Bytes, size: Bytes, options: BitmapOptions) {
    this.#name = name;
    this.#state = state;
    this.#granularity = granularity;
    this.#size = size;
    this.#readonly = options.readonly ?? false;
    this.#persistent = options.persistent ?? false;
  }

  /** A fresh, clean bitmap covering `size` bytes (the node length at creation). */
  static create(name: string | undefined, size: Bytes, granularity: Bytes, options: BitmapOptions = {}): BdrvDirtyBitmap {
    const state: State = { kind: 'active', contents: HBitmap.create(size, granularity), disabled: options.disabled ?? false, busy: false };
    return new BdrvDirtyBitmap(name, state, granularity, size, options);
  }

  /** A persistent bitmap whose qcow2 entry had `in_use` set (block/qcow2-bitmap.c:qcow2_load_dirty_bitmaps). */
  static inconsistent(name: string, size: Bytes, granularity: Bytes, options: Omit<BitmapOptions, 'disabled' | 'persistent'> = {}): BdrvDirtyBitmap {
    return new BdrvDirtyBitmap(name, { kind: 'inconsistent', busy: false }, granularity, size, { ...options, persistent: true });
  }

  /** undefined for anonymous (internal) bitmaps. */
  get name(): string | undefined {
    return this.#name;
  }
  get granularity(): Bytes {
    return this.#granularity;
  }
  get size(): Bytes {
    return this.#size;
  }
  /** The bits; undefined for an inconsistent bitmap, whose data is never loaded. Read it, do not mutate it. */
  get contents(): HBitmap | undefined {
    return this.#state.kind === 'inconsistent' ? undefined : this.#state.contents;
  }
  /** Dirty bytes in whole granules (hbitmap_count), 0 when inconsistent. */
  get count(): Bytes {
    return this.contents?.count ?? 0;
  }
  /** x-debug-block-dirty-bitmap-sha256; an inconsistent bitmap's data is never loaded, so it hashes as all zero. */
  sha256(): string {
    return (this.contents ?? HBitmap.create(this.#size, this.#granularity)).sha256();
  }
  get enabled(): boolean {
    return this.#state.kind === 'active' && !this.#state.disabled;
  }
  /** !disabled || (successor && !successor.disabled) (block/dirty-bitmap.c:bdrv_dirty_bitmap_recording). */
  get recording(): boolean {
    return this.enabled || (this.#state.kind === 'frozen' && this.#state.successor.enabled);
  }
  get busy(): boolean {
    return this.#state.kind === 'frozen' || this.#state.busy;
  }
  get readonly(): boolean {
    return this.#readonly;
  }
  get persistent(): boolean {
    return this.#persistent;
  }
  get inconsistent(): boolean {
    return this.#state.kind === 'inconsistent';
  }
  get successor(): BdrvDirtyBitmap | undefined {
    return this.#state.kind === 'frozen' ? this.#state.successor : undefined;
  }
  /** Why the contents are not modelled, or undefined when they are exact. */
  get unmodelled(): string | undefined {
    return this.#unmodelled;
  }

  /** The name as QEMU prints it in messages (a NULL name prints as "(null)"). */
  get displayName(): string {
    return this.#name ?? '(null)';
  }

  /**
   * bdrv_dirty_bitmap_check: the refusal message for the first failing flag, in QEMU's order
   * BUSY, RO, INCONSISTENT, or undefined when the bitmap may be used.
   */
  check(flags: number): string | undefined {
    if (flags & BDRV_BITMAP_BUSY && this.busy) {
      return `Bitmap '${this.displayName}' is currently in use by another operation and cannot be used`;
    }
    if (flags & BDRV_BITMAP_RO && this.#readonly) {
      return `Bitmap '${this.displayName}' is readonly and cannot be modified`;
    }
    if (flags & BDRV_BITMAP_INCONSISTENT && this.inconsistent) {
      return `Bitmap '${this.displayName}' is inconsistent and cannot be used`;
    }
    return undefined;
  }

  /**
   * A write or discard passed this bitmap's node (block/dirty-bitmap.c:bdrv_set_dirty): every granule
   * the range touches becomes dirty. A frozen bitmap records into its successor; a disabled or
   * inconsistent one ignores the write.
   */
  markDirty(offset: Bytes, bytes: Bytes): void {
    const s = this.#state;
    if (s.kind === 'frozen') s.successor.markDirty(offset, bytes);
    else if (s.kind === 'active' && !s.disabled) s.contents.set(offset, bytes);
  }

  /**
   * bdrv_set_dirty_bitmap / bdrv_reset_dirty_bitmap: a job marking or clearing its own bitmap's
   * range, whatever the enabled state (the mirror's bitmap, block/mirror.c). Active bitmaps only.
   */
  set(offset: Bytes, bytes: Bytes): void {
    this.#active('set').contents.set(offset, bytes);
  }
  reset(offset: Bytes, bytes: Bytes): void {
    this.#active('reset').contents.reset(offset, bytes);
  }

  /** The node received a write whose range the simulator does not model; keep the first reason. */
  markUnmodelled(reason: string): void {
    const s = this.#state;
    if (s.kind === 'frozen') s.successor.markUnmodelled(reason);
    else if (s.kind === 'active' && !s.disabled) this.#unmodelled ??= reason;
  }

  /** bdrv_dirty_bitmap_truncate: QEMU asserts no bitmap of the node is busy, so callers check first. */
  truncate(newSize: Bytes): void {
    if (this.busy) throw new Error(`truncate of busy bitmap ${this.displayName}`);
    this.contents?.truncate(newSize);
    this.#size = newSize;
  }

  enable(): void {
    this.#active('enable').disabled = false;
  }
  disable(): void {
    this.#active('disable').disabled = true;
  }

  /** Busy for an outside user (NBD export, transaction remove); a frozen bitmap stays busy regardless. */
  setBusy(busy: boolean): void {
    const s = this.#state;
    if (s.kind !== 'frozen') s.busy = busy;
  }
  setReadonly(readonly: boolean): void {
    this.#readonly = readonly;
  }
  setPersistent(persistent: boolean): void {
    this.#persistent = persistent;
  }

  /**
   * bdrv_clear_dirty_bitmap with a backup: all bits reset, and the old contents returned so a
   * transaction abort can restore them. Cleared contents are exact again.
   */
  clear(): ContentsBackup {
    const backup = this.backup();
    this.#active('clear').contents.clear();
    this.#unmodelled = undefined;
    return backup;
  }

  /** A copy of the contents, for undo. */
  backup(): ContentsBackup {
    return { contents: this.#active('backup').contents.clone(), unmodelled: this.#unmodelled };
  }

  restore(backup: ContentsBackup): void {
    const s = this.#active('restore');
    this.#state = { ...s, contents: backup.contents.clone() };
    this.#unmodelled = backup.unmodelled;
  }

  /**
   * OR `source` into this bitmap (hbitmap_merge; different granularities round out to this
   * bitmap's granules, hbitmap_sparse_merge). Sizes must already be known to match.
   */
  mergeFrom(source: BdrvDirtyBitmap): void {
    const into = this.#active('merge into');
    if (source.contents) into.contents.mergeFrom(source.contents);
    this.#unmodelled ??= source.unmodelled;
  }

  /**
   * bdrv_dirty_bitmap_create_successor: freeze this bitmap behind a new anonymous bitmap that
   * takes over its enabled state. The caller puts the successor into the node's list.
   */
  createSuccessor(): { readonly successor: BdrvDirtyBitmap } | { readonly error: string } {
    const s = this.#state;
    if (this.busy) return { error: 'Cannot create a successor for a bitmap that is in-use by an operation' };
    if (s.kind !== 'active') return { error: `Bitmap '${this.displayName}' is inconsistent and cannot be used` };
    const successor = BdrvDirtyBitmap.create(undefined, this.#size, this.#granularity, { disabled: s.disabled });
    this.#state = { kind: 'frozen', contents: s.contents, successor };
    return { successor };
  }

  /**
   * bdrv_dirty_bitmap_abdicate: the successor takes this bitmap's name and persistence and
   * replaces it. Returns the successor; the caller removes this bitmap from the node's list.
   */
  abdicate(): BdrvDirtyBitmap {
    const s = this.#frozen('abdicate');
    s.successor.#name = this.#name;
    s.successor.#persistent = this.#persistent;
    this.#name = undefined;
    this.#persistent = false;
    this.#state = { kind: 'active', contents: s.contents, disabled: true, busy: false };
    return s.successor;
  }

  /**
   * bdrv_reclaim_dirty_bitmap: fold the successor back in (parent := parent ∪ successor), not busy,
   * enabled iff the successor was. Returns the successor, which the caller removes from the list.
   */
  reclaim(): BdrvDirtyBitmap {
    const s = this.#frozen('reclaim');
    const contents = s.contents;
    if (s.successor.contents) contents.mergeFrom(s.successor.contents);
    this.#unmodelled ??= s.successor.unmodelled;
    this.#state = { kind: 'active', contents, disabled: !s.successor.enabled, busy: false };
    return s.successor;
  }

  #active(operation: string): Extract<State, { kind: 'active' }> {
    const s = this.#state;
    // QMP handlers check busy/inconsistent first, so reaching this is a bug in the caller.
    if (s.kind !== 'active') throw new Error(`${operation} on ${s.kind} bitmap ${this.displayName}`);
    return s;
  }

  #frozen(operation: string): Extract<State, { kind: 'frozen' }> {
    const s = this.#state;
    if (s.kind !== 'frozen') throw new Error(`${operation} on bitmap ${this.displayName} without a successor`);
    return s;
  }
}
