/**
 * A block node (QEMU's BlockDriverState): a driver instance, its options, its child edges and
 * the dirty bitmaps attached to it. Parents are not stored here; the graph derives them from
 * child edges and BlockBackends, so the two views can never disagree.
 */
import type { BdrvDirtyBitmap } from '../bitmaps/dirty-bitmap.ts';
import type { Range, Run } from '../data/extent-map.ts';
import type { IoResult, Request, RequestFlags } from '../io/request.ts';
import type { Bytes } from '../size.ts';

/** Drivers as query-named-block-nodes prints `drv`; the last three are the jobs' own filters. */
export type DriverName =
  | 'qcow2'
  | 'raw'
  | 'file'
  | 'null-co'
  | 'copy-on-read'
  | 'throttle'
  | 'blkdebug'
  | 'commit_top'
  | 'mirror_top'
  | 'copy-before-write';

/** Child roles as QEMU names the edges (blkdebug's child is `image`). */
export type ChildRole = 'file' | 'backing' | 'image';

export type DiscardMode = 'ignore' | 'unmap';
export type DetectZeroes = 'off' | 'on' | 'unmap';

/** A request other than a read: the ones that can dirty (block/io.c:bdrv_co_write_req_finish). */
export type ModifyRequest = Exclude<Request, { kind: 'read' }>;

/** A resize fails with QEMU's message (block_resize reports it verbatim). */
export type TruncateResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** The generic path (block/io.c bdrv_co_preadv_part / bdrv_co_pwritev_part / bdrv_co_pdiscard). */
export interface IoPath {
  read(node: BlockNode, offset: Bytes, bytes: Bytes, flags: RequestFlags): IoResult<readonly Run[]>;
  modify(node: BlockNode, request: ModifyRequest): IoResult;
  truncate(node: BlockNode, size: Bytes): TruncateResult;
}

/** One driver instance, owning the driver's own state (qcow2 image, null-co size, blkdebug rules). */
export interface Driver {
  readonly name: DriverName;
  /** A filter forwards every request to its one child and has no data of its own. */
  readonly isFilter: boolean;
  length(node: BlockNode): Bytes;
  /** The cluster size copy-on-read and default bitmap granularity use; undefined if none. */
  clusterSize(node: BlockNode): Bytes | undefined;
  /** The node's image file, if it has one: for query output. */
  filename(node: BlockNode): string | undefined;
  /** Whether discard reaches the driver at all (block/io.c:bdrv_co_pdiscard returns 0 otherwise). */
  readonly supportsDiscard: boolean;
  read(io: IoPath, node: BlockNode, offset: Bytes, bytes: Bytes, flags: RequestFlags): IoResult<readonly Run[]>;
  modify(io: IoPath, node: BlockNode, request: ModifyRequest): IoResult;
  /** The ranges of [offset, offset+bytes) this node itself provides (bdrv_is_allocated on it alone). */
  allocated(node: BlockNode, offset: Bytes, bytes: Bytes): readonly Range[];
  /** Resize to `size` (the driver's bdrv_co_truncate); the generic path resizes bitmaps. */
  truncate(io: IoPath, node: BlockNode, size: Bytes): TruncateResult;
}

export interface NodeOptions {
  readonly nodeName: string;
  /** Named by the sim (`#block…`), not by the user: implicit backing nodes and such. */
  readonly implicit: boolean;
  readonly readOnly: boolean;
  readonly discard: DiscardMode;
  readonly detectZeroes: DetectZeroes;
  /**
   * The blockdev options the node was opened with (bs->options), for the strong options its
   * file name shows (graph/filename.ts). Job filter nodes have none.
   */
  readonly options?: Readonly<Record<string, unknown>>;
}

export class BlockNode {
  readonly nodeName: string;
  readonly implicit: boolean;
  readOnly: boolean;
  readonly discard: DiscardMode;
  readonly detectZeroes: DetectZeroes;
  readonly options: Readonly<Record<string, unknown>> | undefined;
  /** Created by blockdev-add as a root: the monitor holds a reference until blockdev-del. */
  monitorOwned = false;
  /** Newest first, as QEMU inserts them (QLIST_INSERT_HEAD in bdrv_create_dirty_bitmap). */
  readonly dirtyBitmaps: BdrvDirtyBitmap[] = [];
  private readonly edges = new Map<ChildRole, BlockNode>();

  constructor(
    readonly driver: Driver,
    options: NodeOptions,
  ) {
    this.nodeName = options.nodeName;
    this.implicit = options.implicit;
    this.readOnly = options.readOnly;
    this.discard = options.discard;
    this.detectZeroes = options.detectZeroes;
    this.options = options.options;
  }

  child(role: ChildRole): BlockNode | undefined {
    return this.edges.get(role);
  }

  /** Attach, replace or (with undefined) detach the child in `role`. */
  setChild(role: ChildRole, node: BlockNode | undefined): void {
    if (node === undefined) this.edges.delete(role);
    else this.edges.set(role, node);
  }

  children(): readonly (readonly [ChildRole, BlockNode])[] {
    return [...this.edges];
  }

  /** The filtered child of a filter node (bdrv_filter_bs), else undefined. */
  filtered(): BlockNode | undefined {
    return this.driver.isFilter ? (this.child('file') ?? this.child('image')) : undefined;
  }

  length(): Bytes {
    return this.driver.length(this);
  }

  clusterSize(): Bytes | undefined {
    return this.driver.clusterSize(this);
  }
}
