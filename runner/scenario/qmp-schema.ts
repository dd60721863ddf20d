/**
 * Argument schemas of the QMP commands scenarios use most, named and typed as QEMU's QAPI schema
 * has them (qapi/block-core.json, qapi/transaction.json, qapi/qdev.json), for validation and for
 * editor hover text. Any other command passes as an object (see schema.ts), so a new job or media
 * command needs no change here.
 */
import { z } from 'zod';
import { parseSize } from '../../src/size.ts';

/** A size as qemu-img spells it ("64K") or a number of bytes; the loader turns it into bytes. */
export const Size = z
  .union([z.int().nonnegative(), z.string()])
  .superRefine((v, ctx) => {
    if (typeof v !== 'string') return;
    const r = parseSize(v);
    if (!r.ok) ctx.addIssue({ code: 'custom', message: r.reason, params: { dsl: 'bad-size' } });
  })
  .meta({ description: 'Bytes, or a size as qemu-img writes it: 512, 4K, 64K, 1M, 1G, 1T' });

const nodeArg = z.string().meta({ description: 'Node name (or named BlockBackend) holding the bitmap; exactly one of node and device' });
const deviceArg = z.string().meta({ description: 'Extension (simulator only): qdev id of the guest device whose BlockBackend holds a drive bitmap' });
const nameArg = z.string().meta({ description: 'Name of the dirty bitmap' });
const owner = { node: nodeArg.optional(), device: deviceArg.optional() };
const BitmapRef = z.strictObject({ ...owner, name: nameArg });

const BitmapAdd = z.strictObject({
  ...owner,
  name: nameArg,
  granularity: Size.optional().meta({
    description: 'Power of two from 512 to 2G; QEMU defaults to the cluster size (64K), at least 4K',
  }),
  persistent: z.boolean().optional().meta({ description: 'Stored in the qcow2 image on close' }),
  disabled: z.boolean().optional().meta({ description: 'Created without recording writes' }),
  'storage-node': z.string().optional().meta({
    description: 'Extension: the qcow2 node a persistent drive bitmap is stored in (default: the device image at add time); it is pinned while the bitmap lives',
  }),
});

const BitmapMerge = z.strictObject({
  ...owner,
  target: z.string().meta({ description: 'Bitmap on `node` (or `device`) that receives the union' }),
  bitmaps: z
    .array(z.union([z.string(), BitmapRef]))
    .meta({ description: 'Sources: a name on the same owner, or {node, name} / {device, name} anywhere (QEMU 7.2 crashes on [])' }),
});

const NoArgs = z.strictObject({}).nullable();

/** Commands a `transaction` may hold that scenarios use (blockdev.c:qmp_transaction). */
const bitmapActions = {
  'block-dirty-bitmap-add': BitmapAdd,
  'block-dirty-bitmap-remove': BitmapRef,
  'block-dirty-bitmap-clear': BitmapRef,
  'block-dirty-bitmap-enable': BitmapRef,
  'block-dirty-bitmap-disable': BitmapRef,
  'block-dirty-bitmap-merge': BitmapMerge,
} as const;

/** External snapshots (blockdev.c:external_snapshot_prepare), also transaction actions. */
const snapshotActions = {
  'blockdev-snapshot': z.strictObject({
    node: z.string().meta({ description: 'The active node; every parent of it moves to the overlay' }),
    overlay: z.string().meta({ description: 'An existing node with no backing and no users; it takes `node` as backing' }),
  }),
  'blockdev-snapshot-sync': z.strictObject({
    device: z.string().optional().meta({ description: 'BlockBackend name (not a qdev id)' }),
    'node-name': z.string().optional(),
    'snapshot-file': z.string().meta({ description: 'The overlay image, created over the active image unless mode is existing' }),
    'snapshot-node-name': z.string().optional().meta({ description: 'Required with node-name; otherwise the overlay is #blockNNN' }),
    format: z.string().optional().meta({ description: 'Overlay format, default qcow2' }),
    mode: z.enum(['existing', 'absolute-paths']).optional(),
  }),
} as const;

const TransactionAction = z.union([
  ...Object.entries({ ...bitmapActions, ...snapshotActions }).map(([type, data]) => z.strictObject({ type: z.literal(type), data })),
  z
    .looseObject({ type: z.string(), data: z.looseObject({}) })
    .meta({ description: 'Any other action, e.g. blockdev-backup, abort' }),
]);

export const knownCommands = {
  ...bitmapActions,
  ...snapshotActions,
  'x-debug-block-dirty-bitmap-sha256': BitmapRef,
  'blockdev-add': z
    .looseObject({
      driver: z.string().meta({ description: 'Block driver, e.g. qcow2, raw, file, null-co, copy-on-read' }),
      'node-name': z.string().optional(),
    })
    .meta({ description: 'BlockdevOptions, passed to QEMU unchanged' }),
  'blockdev-del': z.strictObject({ 'node-name': z.string() }),
  device_add: z
    .looseObject({
      driver: z.string().meta({ description: 'e.g. virtio-blk-pci' }),
      id: z.string().meta({ description: 'qdev id; scenarios address the device by it' }),
      drive: z.string().optional().meta({ description: "Node name of the BlockBackend's root" }),
    })
    .meta({ description: 'A guest device; the new device is addressed by its id in io steps' }),
  device_del: z.strictObject({ id: z.string() }),
  block_resize: z.strictObject({
    device: z.string().optional().meta({ description: 'BlockBackend name (not a qdev id)' }),
    'node-name': z.string().optional(),
    size: Size,
  }),
  transaction: z.strictObject({
    actions: z.array(TransactionAction),
    properties: z.strictObject({ 'completion-mode': z.enum(['individual', 'grouped']).optional() }).optional(),
  }),
  'query-block': NoArgs,
  'query-named-block-nodes': z.strictObject({ flat: z.boolean().optional() }).nullable(),
  'query-jobs': NoArgs,
  'query-block-jobs': NoArgs,
} as const;

export type KnownCommand = keyof typeof knownCommands;

export function isKnownCommand(name: string): name is KnownCommand {
  return Object.hasOwn(knownCommands, name);
}

/** Argument names that are sizes in QAPI; the loader converts their strings to bytes. */
export const sizeArguments: ReadonlySet<string> = new Set(['granularity', 'size', 'offset']);
