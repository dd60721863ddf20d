/**
 * Opening nodes the way blockdev-add does: a definition with inline children (opened first and
 * named `#block…` if unnamed), references to existing nodes, and for qcow2 without a `backing`
 * member the backing chain from the image header, opened implicitly and read-only. Either the
 * whole tree opens or nothing is added to the graph. A qcow2 node takes its file child's image
 * lock as soon as the child is open, before its backing chain (graph/image-lock.ts). File names
 * are paths in QEMU's working directory (graph/paths.ts); a header's backing file name is taken
 * relative to its overlay's file, and that is the name the implicit node shows (graph/filename.ts).
 */
import type { Machine } from '../machine.ts';
import { parseArgs, type Args } from '../qmp/args.ts';
import { BlkdebugDriver, type InjectErrorRule } from './drivers/blkdebug.ts';
import { FileDriver } from './drivers/file.ts';
import { NullDriver } from './drivers/null-co.ts';
import { CopyOnReadDriver, ThrottleDriver } from './drivers/passthrough.ts';
import { RawDriver, rawWindow } from './drivers/raw.ts';
import { Qcow2Driver } from './drivers/qcow2.ts';
import { BlockNode, type ChildRole, type DiscardMode, type Driver } from './node.ts';
import { checkNodeName } from './node-name.ts';
import { COMMON, DRIVER_SHAPES, isModelledDriver, type BlockdevRef } from './options.ts';
import { ERRNO_BY_NUMBER } from './errno.ts';
import { combine, lockConflict, NO_PERMS, storagePerms, type Perms } from './image-lock.ts';
import type { Image, ImageFormat, Qcow2Image } from '../image/image.ts';
import { makeAbsoluteFilename, nodeFilename } from './filename.ts';
import { realpath } from './paths.ts';

export type OpenResult = { readonly ok: true; readonly node: BlockNode } | { readonly ok: false; readonly message: string };

/** Defaults a parent passes to a child it opens (block.c:bdrv_inherited_options). */
interface Inherited {
  readonly readOnly: boolean;
  readonly discard: DiscardMode;
  readonly forceShare: boolean;
}

const TOP: Inherited = { readOnly: false, discard: 'ignore', forceShare: false };
const NULL_CO_DEFAULT_SIZE = 2 ** 30;

/** blockdev-add: open the tree, then add it to the graph with the root owned by the monitor. */
export function blockdevAdd(machine: Machine, options: Readonly<Record<string, unknown>>): OpenResult {
  const r = openTree(machine, options);
  if (r.ok) r.node.monitorOwned = true;
  return r;
}

/**
 * bdrv_open without the monitor's reference: the tree joins the graph, and its root lives only
 * as long as something uses it (blockdev-snapshot-sync's overlay).
 */
export function openTree(machine: Machine, options: Readonly<Record<string, unknown>>): OpenResult {
  const opener = new Opener(machine);
  const r = opener.open(options, TOP);
  if (!r.ok) return r;
  for (const node of opener.pending) machine.graph.addNode(node);
  return r;
}

class Opener {
  readonly pending: BlockNode[] = [];
  private readonly names = new Set<string>();
  /** The permissions the tree's format nodes take on their file children, before edges exist. */
  private readonly claims = new Map<BlockNode, Perms>();

  constructor(private readonly machine: Machine) {}

  open(options: Readonly<Record<string, unknown>>, inherited: Inherited): OpenResult {
    const base = parseArgs({ driver: COMMON.driver }, { driver: options['driver'] });
    if (!base.ok) return { ok: false, message: base.error.desc };
    const driver = base.value.driver;
    if (!isModelledDriver(driver)) return { ok: false, message: `Parameter 'driver' does not accept value '${driver}'` };
    const requested = options['node-name'];
    if (typeof requested === 'string') {
      const bad = checkNodeName(this.machine.graph, this.names, requested);
      if (bad !== undefined) return { ok: false, message: bad };
    }
    // bdrv_open_inherit refuses this before opening any child.
    if (options['force-share'] === true && (options['read-only'] ?? inherited.readOnly) !== true) {
      return { ok: false, message: 'force-share=on can only be used with read-only images' };
    }
    const built = this.build(driver, options, inherited);
    if (!built.ok) return built;
    const common = built.common;
    // Unnamed nodes are named after their children are opened, as QEMU's counter shows.
    const nodeName = common['node-name'] ?? this.machine.nextImplicitNodeName();
    const node = new BlockNode(built.driver, {
      nodeName,
      implicit: common['node-name'] === undefined,
      readOnly: common['read-only'] ?? inherited.readOnly,
      discard: common.discard ?? inherited.discard,
      detectZeroes: common['detect-zeroes'] ?? 'off',
      options,
    });
    for (const [role, child] of built.children) node.setChild(role, child);
    this.names.add(nodeName);
    this.pending.push(node);
    return { ok: true, node };
  }

  private build(driver: keyof typeof DRIVER_SHAPES, options: Readonly<Record<string, unknown>>, inherited: Inherited): Built {
    switch (driver) {
      case 'file':
        return this.parsed(DRIVER_SHAPES.file, options, (a) => {
          const image = this.image(a.filename);
          if (image === undefined) return { ok: false, message: `Could not open '${a.filename}': No such file or directory` };
          const lock = { locking: a.locking !== 'off', forceShare: a['force-share'] ?? inherited.forceShare };
          return { ok: true, driver: new FileDriver(image, lock), children: [] };
        });
      case 'null-co':
        return this.parsed(DRIVER_SHAPES['null-co'], options, (a) => {
          const size = a.size ?? NULL_CO_DEFAULT_SIZE;
          // QEMU 7.2 aborts on a negative size (parse_option_size); the sim reports its message.
          if (size < 0) return { ok: false, message: "Parameter 'size' expects a non-negative number below 2^64" };
          return { ok: true, driver: new NullDriver(size, a['read-zeroes'] ?? false), children: [] };
        });
      case 'raw':
        return this.parsed(DRIVER_SHAPES.raw, options, (a) => this.raw(a, inherited));
      case 'copy-on-read':
        return this.parsed(DRIVER_SHAPES['copy-on-read'], options, (a) => this.withChild(new CopyOnReadDriver(), 'file', a.file, filterChild(a, inherited)));
      case 'throttle':
        return this.parsed(DRIVER_SHAPES.throttle, options, (a) =>
          this.withChild(new ThrottleDriver(a['throttle-group']), 'file', a.file, filterChild(a, inherited)),
        );
      case 'blkdebug':
        return this.parsed(DRIVER_SHAPES.blkdebug, options, (a) => {
          const rules = injectRules(a['inject-error'] ?? []);
          if (typeof rules === 'string') return { ok: false, message: rules };
          return this.withChild(new BlkdebugDriver(rules), 'image', a.image, filterChild(a, inherited));
        });
      case 'qcow2':
        return this.parsed(DRIVER_SHAPES.qcow2, options, (a) => this.qcow2(a, inherited));
    }
  }

  private parsed<S extends (typeof DRIVER_SHAPES)[keyof typeof DRIVER_SHAPES]>(
    shape: S,
    options: Readonly<Record<string, unknown>>,
    then: (args: Args<S>) => DriverBuilt,
  ): Built {
    const a = parseArgs(shape, options);
    if (!a.ok) return { ok: false, message: a.error.desc };
    const r = then(a.value);
    return r.ok ? { ...r, common: a.value as Args<typeof COMMON> } : r;
  }

  private child(ref: BlockdevRef, inherited: Inherited): OpenResult {
    if (typeof ref !== 'string') return this.open(ref, inherited);
    const node = this.machine.graph.node(ref) ?? this.pending.find((n) => n.nodeName === ref);
    return node === undefined ? { ok: false, message: `Cannot find device='${ref}' nor node-name='${ref}'` } : { ok: true, node };
  }

  private withChild(driver: Driver, role: ChildRole, ref: BlockdevRef, inherited: Inherited): DriverBuilt {
    const child = this.child(ref, inherited);
    return child.ok ? { ok: true, driver, children: [[role, child.node]] } : child;
  }

  private qcow2(a: Args<typeof DRIVER_SHAPES.qcow2>, inherited: Inherited): DriverBuilt {
    const file = this.child(a.file, formatChild(a, inherited));
    if (!file.ok) return file;
    const writable = !(a['read-only'] ?? inherited.readOnly);
    this.claims.set(file.node, combine(this.claims.get(file.node) ?? NO_PERMS, storagePerms(NO_PERMS, writable)));
    const locked = lockConflict(this.machine.graph, file.node, this.claims);
    if (locked !== undefined) return { ok: false, message: locked };
    const image = qcow2ImageBelow(file.node);
    if (image === undefined) return { ok: false, message: 'Image is not in qcow2 format' };
    const children: [ChildRole, BlockNode][] = [['file', file.node]];
    const backing = this.backing(a.backing, image, file.node, new Set([image.filename]));
    if (!backing.ok) return { ok: false, message: `Could not open backing file: ${backing.message}` };
    if (backing.node !== undefined) children.push(['backing', backing.node]);
    const driver = new Qcow2Driver(image);
    // bdrv_open_backing_file: a chain opened from the header sets auto_backing_file to the backing
    // node's file name; otherwise it stays the header's name (qcow2_do_open).
    driver.autoBackingFile = a.backing === undefined && backing.node !== undefined ? nodeFilename(backing.node).filename : (image.backingFile ?? '');
    return { ok: true, driver, children };
  }

  /** An image file by the name given (relative to QEMU's working directory). */
  private image(path: string): Image | undefined {
    const name = realpath(this.machine.images, path);
    return name === undefined ? undefined : this.machine.images.get(name);
  }

  /** raw checks its offset/size window against the file child once that is open (raw_open). */
  private raw(a: Args<typeof DRIVER_SHAPES.raw>, inherited: Inherited): DriverBuilt {
    const file = this.child(a.file, formatChild(a, inherited));
    if (!file.ok) return file;
    const window = rawWindow(a.offset, a.size, file.node.length());
    if (typeof window === 'string') return { ok: false, message: window };
    return { ok: true, driver: new RawDriver(window), children: [['file', file.node]] };
  }

  /** `backing`: absent opens the header's chain, null opens none, else a reference or definition. */
  private backing(
    ref: BlockdevRef | null | undefined,
    image: Qcow2Image,
    file: BlockNode,
    seen: Set<string>,
  ): { ok: true; node: BlockNode | undefined } | { ok: false; message: string } {
    if (ref === null) return { ok: true, node: undefined };
    if (ref !== undefined) return this.child(ref, { readOnly: true, discard: 'ignore', forceShare: false });
    if (image.backingFile === undefined) return { ok: true, node: undefined };
    if (seen.has(image.backingFile)) return { ok: false, message: `Backing file chain loops back to '${image.backingFile}'` };
    seen.add(image.backingFile);
    // bdrv_get_full_backing_filename: the header's name relative to the overlay's file.
    const filename = makeAbsoluteFilename(file, image.backingFile) ?? image.backingFile;
    const backingImage = this.image(filename);
    if (backingImage === undefined) return { ok: false, message: `Could not open '${filename}': No such file or directory` };
    const format: ImageFormat = image.backingFormat ?? backingImage.format;
    // Implicit backing nodes are read-only (bdrv_backing_options) and unnamed.
    return this.child({ driver: format, 'read-only': true, file: { driver: 'file', filename } }, TOP);
  }
}

type DriverBuilt = { ok: true; driver: Driver; children: [ChildRole, BlockNode][] } | { ok: false; message: string };
type Built = (Extract<DriverBuilt, { ok: true }> & { common: Args<typeof COMMON> }) | { ok: false; message: string };

/**
 * A format's non-backing child inherits read-only and force-share, and its discard defaults to unmap
 * ("format drivers take care to respect unmap policy", block.c:bdrv_inherited_options).
 * Verified on 7.2: a raw node's inline file child with no options dirtied on discard.
 */
function formatChild(a: Args<typeof COMMON>, inherited: Inherited): Inherited {
  return { readOnly: a['read-only'] ?? inherited.readOnly, discard: 'unmap', forceShare: a['force-share'] ?? inherited.forceShare };
}

/** A filter's child inherits read-only and force-share (bdrv_inherited_options). */
function filterChild(a: Args<typeof COMMON>, inherited: Inherited): Inherited {
  return { readOnly: a['read-only'] ?? inherited.readOnly, discard: 'ignore', forceShare: a['force-share'] ?? inherited.forceShare };
}

/** The qcow2 image a format node opens: the file below its `file` child, through filters. */
function qcow2ImageBelow(node: BlockNode): Qcow2Image | undefined {
  const below = node.filtered();
  if (below !== undefined) return qcow2ImageBelow(below);
  return node.driver instanceof FileDriver && node.driver.image.format === 'qcow2' ? node.driver.image : undefined;
}

type InjectErrorArgs = NonNullable<Args<typeof DRIVER_SHAPES.blkdebug>['inject-error']>;

function injectRules(list: InjectErrorArgs): InjectErrorRule[] | string {
  const rules: InjectErrorRule[] = [];
  for (const r of list) {
    const errno = ERRNO_BY_NUMBER.get(r.errno ?? 5);
    if (errno === undefined) return `blkdebug errno ${r.errno} is not modelled`;
    const iotype = r.iotype;
    if (iotype === 'flush' || iotype === 'block-status') return `blkdebug iotype '${iotype}' is not modelled`;
    rules.push({ event: r.event, iotype, errno, sector: r.sector !== undefined && r.sector >= 0 ? r.sector : undefined, once: r.once ?? false });
  }
  return rules;
}
