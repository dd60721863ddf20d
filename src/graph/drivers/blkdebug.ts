/**
 * block/blkdebug.c: a filter over its `image` child that fails requests on demand. An
 * `inject-error` rule becomes active when its event fires on this node and then fails every
 * matching request (or only the first, with `once`). The generic path fires `pwritev` before a
 * write reaches the driver and `pwritev_zero` before a zero write (block/io.c:bdrv_aligned_pwritev),
 * so such a rule fails the very write that fired it. Formats fire `read_aio` on their file child
 * before a data read; the sim fires it at the blkdebug node for every read it receives.
 */
import type { Run } from '../../data/extent-map.ts';
import { failed, type Errno, type IoResult, type RequestFlags } from '../../io/request.ts';
import type { Bytes } from '../../size.ts';
import type { BlockNode, IoPath, ModifyRequest } from '../node.ts';
import { PassThroughDriver } from './passthrough.ts';

export type BlkdebugIoType = 'read' | 'write' | 'write-zeroes' | 'discard';

export interface InjectErrorRule {
  readonly event: string;
  /** Undefined: every I/O type (QAPI default). */
  readonly iotype: BlkdebugIoType | undefined;
  readonly errno: Errno;
  /** Undefined: any sector; else the request must touch the 512-byte sector. */
  readonly sector: number | undefined;
  readonly once: boolean;
}

export class BlkdebugDriver extends PassThroughDriver {
  private readonly rules: { rule: InjectErrorRule; active: boolean }[];

  constructor(rules: readonly InjectErrorRule[]) {
    super('blkdebug', true, 'image');
    this.rules = rules.map((rule) => ({ rule, active: false }));
  }

  override read(io: IoPath, node: BlockNode, offset: Bytes, bytes: Bytes, flags: RequestFlags): IoResult<readonly Run[]> {
    const errno = this.check('read_aio', 'read', offset, bytes);
    return errno === undefined ? super.read(io, node, offset, bytes, flags) : failed(errno);
  }

  override modify(io: IoPath, node: BlockNode, request: ModifyRequest): IoResult {
    const [event, iotype] = EVENT_OF[request.kind];
    const errno = this.check(event, iotype, request.offset, request.bytes);
    return errno === undefined ? super.modify(io, node, request) : failed(errno);
  }

  /** Fire `event`, then find the first active rule for this request (blkdebug.c:rule_check). */
  private check(event: string, iotype: BlkdebugIoType, offset: Bytes, bytes: Bytes): Errno | undefined {
    for (const r of this.rules) if (r.rule.event === event) r.active = true;
    const hit = this.rules.find(({ rule, active }) => active && matches(rule, iotype, offset, bytes));
    if (hit === undefined) return undefined;
    if (hit.rule.once) this.rules.splice(this.rules.indexOf(hit), 1);
    return hit.rule.errno;
  }
}

const EVENT_OF: Readonly<Record<ModifyRequest['kind'], readonly [string, BlkdebugIoType]>> = {
  write: ['pwritev', 'write'],
  'write-compressed': ['pwritev', 'write'],
  'write-zeroes': ['pwritev_zero', 'write-zeroes'],
  discard: ['pdiscard', 'discard'],
};

function matches(rule: InjectErrorRule, iotype: BlkdebugIoType, offset: Bytes, bytes: Bytes): boolean {
  if (rule.iotype !== undefined && rule.iotype !== iotype) return false;
  if (rule.sector === undefined) return true;
  const s = rule.sector * 512;
  return offset < s + 512 && s < offset + bytes;
}
