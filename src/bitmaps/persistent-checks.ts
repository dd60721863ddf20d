/**
 * Whether a new persistent bitmap could later be stored in the node's image, checked when it is
 * added (block/dirty-bitmap.c:bdrv_can_store_new_dirty_bitmap and, for qcow2,
 * block/qcow2-bitmap.c:qcow2_co_can_store_new_dirty_bitmap + check_constraints_on_bitmap).
 * Nothing is written here: QEMU stores persistent bitmaps only on close or inactivation.
 *
 * One check is the sim's own: a name the image already holds for an entry the node has not
 * loaded (a drive bitmap's, persistence/drive.ts) is refused here. QEMU finds that clash only at
 * store (qcow2-bitmap.c:qcow2_store_persistent_dirty_bitmaps, "Bitmap '%s' already exists in the
 * image") and then stores none of the node's bitmaps; refusing the add loses nothing.
 */
import type { BlockNode } from '../graph/node.ts';
import { dirEntrySize, QCOW2_MAX_BITMAP_DIRECTORY_SIZE, QCOW2_MAX_BITMAPS, type BitmapDirectory } from '../image/bitmap-directory.ts';
import type { Qcow2Compat } from '../image/image.ts';
import type { Bytes } from '../size.ts';
import { BDRV_BITMAP_MAX_NAME_SIZE, findDirtyBitmap, nameBytes } from './node-bitmaps.ts';

const BME_MAX_PHYS_SIZE = 0x20000000;
const BME_MAX_TABLE_SIZE = 0x8000000;

/** What the check needs to know of the node's image; undefined for drivers that cannot store bitmaps. */
export interface BitmapStore {
  readonly compat: Qcow2Compat;
  readonly clusterSize: Bytes;
  /** The image's stored bitmaps: entries of other owners share the directory's names. */
  readonly bitmaps: Pick<BitmapDirectory, 'find'>;
}

/** The refusal message, or undefined when the bitmap may be made persistent. */
export function canStoreNewDirtyBitmap(node: BlockNode, store: BitmapStore | undefined, name: string, granularity: Bytes): string | undefined {
  if (store === undefined) return `Can't store persistent bitmaps to ${node.nodeName}: Operation not supported`;
  // A duplicate is refused before the qcow2 checks and without their prefix.
  if (findDirtyBitmap(node, name)) return `Bitmap already exists: ${name}`;
  const reason = store.bitmaps.find(name) !== undefined ? `Bitmap '${name}' already exists in the image` : qcow2Refusal(node, store, name, granularity);
  return reason === undefined ? undefined : `Can't make bitmap '${name}' persistent in '${node.nodeName}': ${reason}`;
}

function qcow2Refusal(node: BlockNode, store: BitmapStore, name: string, granularity: Bytes): string | undefined {
  if (store.compat === '0.10') return 'Cannot store dirty bitmaps in qcow2 v2 files';
  // Granularity bits 9..31 are already guaranteed by QMP's own check (power of 2, >= 512, uint32).
  const bitmapBytes = Math.ceil(Math.ceil(node.length() / granularity) / 8);
  if (bitmapBytes > BME_MAX_PHYS_SIZE || bitmapBytes > BME_MAX_TABLE_SIZE * store.clusterSize) {
    return 'Too much space will be occupied by the bitmap. Use larger granularity';
  }
  if (nameBytes(name) > BDRV_BITMAP_MAX_NAME_SIZE) return `Name length exceeds maximum (${BDRV_BITMAP_MAX_NAME_SIZE} characters)`;
  // Counted over the persistent bitmaps in memory plus the new one, not over the image directory:
  // 7.2 walks FOR_EACH_DIRTY_BITMAP. Every directory entry is in memory once the node is open
  // (qcow2_load_dirty_bitmaps loads in_use ones as inconsistent), so this counts the image too.
  const persistent = node.dirtyBitmaps.filter((b) => b.persistent);
  if (persistent.length + 1 > QCOW2_MAX_BITMAPS) return 'Maximum number of persistent bitmaps is already reached';
  const directory = persistent.reduce((sum, b) => sum + dirEntrySize(b.name ?? ''), dirEntrySize(name));
  if (directory > QCOW2_MAX_BITMAP_DIRECTORY_SIZE) return 'Not enough space in the bitmap directory';
  return undefined;
}
