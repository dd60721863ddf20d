/**
 * The bitmap QMP commands and their transaction actions (block/monitor/bitmap-qmp-cmds.c,
 * blockdev.c; reference 3.2-3.4). Each command is its transaction action committed at once.
 */
import {
  BDRV_BITMAP_ALLOW_RO,
  BDRV_BITMAP_BUSY,
  BDRV_BITMAP_DEFAULT,
  BDRV_BITMAP_RO,
  BdrvDirtyBitmap,
} from '../../bitmaps/dirty-bitmap.ts';
import { lookupBitmap, lookupNode } from '../../bitmaps/lookup.ts';
import { createDirtyBitmap, defaultGranularity, findDirtyBitmap, releaseDirtyBitmap } from '../../bitmaps/node-bitmaps.ts';
import { canStoreNewDirtyBitmap, type BitmapStore } from '../../bitmaps/persistent-checks.ts';
import { Qcow2Driver } from '../../graph/drivers/qcow2.ts';
import type { BlockNode } from '../../graph/node.ts';
import type { Machine } from '../../machine.ts';
import { bool, list, optional, parseArgs, str, strOrStruct, uint32 } from '../args.ts';
import type { CommandTable } from '../dispatcher.ts';
import { genericError, ok } from '../reply.ts';
import { asCommand, defineAction, refuse, undoable, type ActionTable, type PrepareResult } from './transaction.ts';

const nodeAndName = { node: str, name: str };

function isValidGranularity(g: number): boolean {
  return g >= 512 && (g & (g - 1)) === 0;
}

/** The qcow2 facts the persistent checks need, or undefined for drivers that cannot store bitmaps. */
function bitmapStoreOf(node: BlockNode): BitmapStore | undefined {
  return node.driver instanceof Qcow2Driver ? node.driver.image : undefined;
}

const add = defineAction(
  { node: str, name: str, granularity: optional(uint32), persistent: optional(bool), disabled: optional(bool) },
  (machine: Machine, args): PrepareResult => {
    if (args.name === '') return refuse('Bitmap name cannot be empty');
    const found = lookupNode(machine.graph, args.node);
    if ('error' in found) return refuse(found.error);
    const { node } = found;
    if (args.granularity !== undefined && !isValidGranularity(args.granularity)) {
      return refuse('Granularity must be power of 2 and at least 512');
    }
    const granularity = args.granularity ?? defaultGranularity(node);
    const persistent = args.persistent ?? false;
    if (persistent) {
      const refusal = canStoreNewDirtyBitmap(node, bitmapStoreOf(node), args.name, granularity);
      if (refusal !== undefined) return refuse(refusal);
    }
    const created = createDirtyBitmap(node, granularity, args.name, { persistent, disabled: args.disabled ?? false });
    if ('error' in created) return refuse(created.error);
    return undoable(() => releaseDirtyBitmap(node, created.bitmap));
  },
);

/**
 * Remove: prepare marks the bitmap busy (so a later clear in the same transaction is refused and a
 * later add of the same name finds it), commit releases it, abort only makes it idle again.
 * TODO(persistence): prepare also deletes the stored copy from the qcow2 image at once.
 */
const remove = defineAction(nodeAndName, (machine: Machine, args): PrepareResult => {
  const found = lookupBitmap(machine.graph, args.node, args.name);
  if ('error' in found) return refuse(found.error);
  const { node, bitmap } = found;
  const refusal = bitmap.check(BDRV_BITMAP_BUSY | BDRV_BITMAP_RO);
  if (refusal !== undefined) return refuse(refusal);
  bitmap.setBusy(true);
  return {
    commit() {
      bitmap.setBusy(false);
      releaseDirtyBitmap(node, bitmap);
    },
    abort: () => bitmap.setBusy(false),
  };
});

const clear = defineAction(nodeAndName, (machine: Machine, args): PrepareResult => {
  const found = lookupBitmap(machine.graph, args.node, args.name);
  if ('error' in found) return refuse(found.error);
  const refusal = found.bitmap.check(BDRV_BITMAP_DEFAULT);
  if (refusal !== undefined) return refuse(refusal);
  const backup = found.bitmap.clear();
  return undoable(() => found.bitmap.restore(backup));
});

/** Enable and disable: ALLOW_RO, idempotent, contents untouched; abort restores the old state. */
function toggle(enable: boolean) {
  return defineAction(nodeAndName, (machine: Machine, args): PrepareResult => {
    const found = lookupBitmap(machine.graph, args.node, args.name);
    if ('error' in found) return refuse(found.error);
    const { bitmap } = found;
    const refusal = bitmap.check(BDRV_BITMAP_ALLOW_RO);
    if (refusal !== undefined) return refuse(refusal);
    const wasEnabled = bitmap.enabled;
    const set = (on: boolean) => (on ? bitmap.enable() : bitmap.disable());
    set(enable);
    return undoable(() => set(wasEnabled));
  });
}

const mergeSource = strOrStruct('BlockDirtyBitmapOrStr', nodeAndName);

/**
 * bdrv_merge_dirty_bitmap's checks: destination DEFAULT, source ALLOW_RO, equal sizes in bytes.
 * Returns the refusal or undefined after OR-ing source into destination.
 */
function mergeInto(dest: BdrvDirtyBitmap, source: BdrvDirtyBitmap): string | undefined {
  const refusal = dest.check(BDRV_BITMAP_DEFAULT) ?? source.check(BDRV_BITMAP_ALLOW_RO);
  if (refusal !== undefined) return refusal;
  if (source.size !== dest.size) {
    return `Bitmaps are of different sizes (destination size is ${dest.size}, source size is ${source.size}) and can't be merged`;
  }
  dest.mergeFrom(source);
  return undefined;
}

/**
 * Merge (7.2 block_dirty_bitmap_merge): the sources are first OR-ed into an anonymous scratch
 * bitmap of the target's granularity and the node's length, then the scratch into the target.
 * So a source error is reported before a busy target (probed on 7.2.22), the size message names
 * the node length as destination, and the target is untouched on any error.
 */
const merge = defineAction({ node: str, target: str, bitmaps: list(mergeSource) }, (machine: Machine, args): PrepareResult => {
  const found = lookupBitmap(machine.graph, args.node, args.target);
  if ('error' in found) return refuse(found.error);
  const { node, bitmap: target } = found;
  // QEMU 7.2 dies with SIGSEGV here (reference, harness notes); refusing is the honest stand-in.
  if (args.bitmaps.length === 0) return refuse("block-dirty-bitmap-merge with empty 'bitmaps' crashes QEMU 7.2 (not simulated)");
  const scratch = BdrvDirtyBitmap.create(undefined, node.length(), target.granularity);
  for (const source of args.bitmaps) {
    const src = typeof source === 'string' ? findLocal(node, source) : lookupBitmap(machine.graph, source.node, source.name);
    if ('error' in src) return refuse(src.error);
    const refusal = mergeInto(scratch, src.bitmap);
    if (refusal !== undefined) return refuse(refusal);
  }
  const busy = target.check(BDRV_BITMAP_DEFAULT);
  if (busy !== undefined) return refuse(busy);
  const backup = target.backup();
  // mergeInto changes nothing when it refuses, so the target needs no restoring here.
  const refusal = mergeInto(target, scratch);
  if (refusal !== undefined) return refuse(refusal);
  return undoable(() => target.restore(backup));
});

function findLocal(node: BlockNode, name: string): { readonly bitmap: BdrvDirtyBitmap } | { readonly error: string } {
  const bitmap = findDirtyBitmap(node, name);
  return bitmap ? { bitmap } : { error: `Dirty bitmap '${name}' not found` };
}

/** The six bitmap actions, by their QAPI TransactionAction type names. */
export const bitmapActions: ActionTable<Machine> = {
  'block-dirty-bitmap-add': add,
  'block-dirty-bitmap-remove': remove,
  'block-dirty-bitmap-clear': clear,
  'block-dirty-bitmap-enable': toggle(true),
  'block-dirty-bitmap-disable': toggle(false),
  'block-dirty-bitmap-merge': merge,
};

/** No state check: it answers for busy and inconsistent bitmaps too (reference 1.7). */
function sha256Command(machine: Machine, args: Readonly<Record<string, unknown>>) {
  const parsed = parseArgs(nodeAndName, args);
  if (!parsed.ok) return { error: parsed.error };
  const found = lookupBitmap(machine.graph, parsed.value.node, parsed.value.name);
  if ('error' in found) return genericError(found.error);
  return ok({ sha256: found.bitmap.sha256() });
}

export const bitmapCommands: CommandTable<Machine> = {
  ...Object.fromEntries(Object.entries(bitmapActions).map(([name, action]) => [name, asCommand(action)])),
  'x-debug-block-dirty-bitmap-sha256': sha256Command,
};
