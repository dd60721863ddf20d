/**
 * Drivers that hand every request to one child at the same offsets: the filters copy-on-read,
 * throttle and blkdebug, and the base of the raw format (drivers/raw.ts). Requests go to the child
 * through the generic path with their flags (block: "Support BDRV_REQ_WRITE_UNCHANGED in
 * filters"), so the child counts them too (reference 2.3). Block status passes through
 * (bdrv_co_block_status_from_file / BDRV_BLOCK_RAW), and so does cluster size (bdrv_get_info).
 */
import type { Range, Run } from '../../data/extent-map.ts';
import type { IoResult, RequestFlags } from '../../io/request.ts';
import type { Bytes } from '../../size.ts';
import type { BlockNode, ChildRole, Driver, DriverName, IoPath, ModifyRequest, TruncateResult } from '../node.ts';

export class PassThroughDriver implements Driver {
  readonly supportsDiscard = true;

  constructor(
    readonly name: DriverName,
    readonly isFilter: boolean,
    private readonly role: ChildRole = 'file',
  ) {}

  protected child(node: BlockNode): BlockNode {
    const child = node.child(this.role);
    // Opening checks the child; a node without it is a bug in the graph code.
    if (child === undefined) throw new Error(`${this.name} node '${node.nodeName}' has no ${this.role} child`);
    return child;
  }

  /** The flags of the read passed down; the copy-on-read filter adds its own. */
  protected readFlags(flags: RequestFlags): RequestFlags {
    return flags;
  }

  length(node: BlockNode): Bytes {
    return this.child(node).length();
  }

  clusterSize(node: BlockNode): Bytes | undefined {
    return this.child(node).clusterSize();
  }

  filename(node: BlockNode): string | undefined {
    const child = this.child(node);
    return child.driver.filename(child);
  }

  read(io: IoPath, node: BlockNode, offset: Bytes, bytes: Bytes, flags: RequestFlags): IoResult<readonly Run[]> {
    return io.read(this.child(node), offset, bytes, this.readFlags(flags));
  }

  modify(io: IoPath, node: BlockNode, request: ModifyRequest): IoResult {
    return io.modify(this.child(node), request);
  }

  allocated(node: BlockNode, offset: Bytes, bytes: Bytes): readonly Range[] {
    const child = this.child(node);
    return child.driver.allocated(child, offset, bytes);
  }

  truncate(io: IoPath, node: BlockNode, size: Bytes): TruncateResult {
    return io.truncate(this.child(node), size);
  }
}

/** block/copy-on-read.c: reads passed to `file` carry BDRV_REQ_COPY_ON_READ (cor_co_preadv_part). */
export class CopyOnReadDriver extends PassThroughDriver {
  constructor() {
    super('copy-on-read', true);
  }

  protected override readFlags(flags: RequestFlags): RequestFlags {
    return new Set([...flags, 'BDRV_REQ_COPY_ON_READ']);
  }
}

/** block/throttle.c: the sim models no rate limits, only the filter's place in the path. */
export class ThrottleDriver extends PassThroughDriver {
  constructor(readonly throttleGroup: string) {
    super('throttle', true);
  }
}
