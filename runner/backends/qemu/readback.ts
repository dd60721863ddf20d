/**
 * Exact dirty extents of a named bitmap, read through NBD without disturbing it (reference,
 * practical notes): a read-only export refuses an enabled bitmap, and a writable export of a qcow2
 * node conflicts with qcow2's RESIZE permission on its file. So the bitmap is merged into a
 * disabled copy on a scratch null-co node of the same size and granularity, the scratch node is
 * exported read-only with the copy, and `qemu-img map` reads `qemu:dirty-bitmap:COPY`, where a
 * dirty range shows as `"data": false` because NBD_STATE_DIRTY aliases NBD_STATE_HOLE (6.2).
 * The copy's sha256 must equal the original's, or the read-back is refused.
 */
import { join } from 'node:path';
import type { Extent } from '../backend.ts';
import type { QemuInstance } from './instance.ts';
import { isLost, type QmpLost } from './qmp-client.ts';
import { runTool } from './tool.ts';

const COPY = 'dirtysim-copy';

export interface BitmapRef {
  readonly node: string;
  readonly name: string;
  readonly granularity: number;
  readonly size: number;
  readonly sha256: string;
}

/** The dirty runs of `qemu-img map --output=json` over a dirty-bitmap context, merged. */
export function dirtyExtentsFromMap(mapJson: string): Extent[] | QmpLost {
  let entries: unknown;
  try {
    entries = JSON.parse(mapJson);
  } catch {
    return { lost: `qemu-img map printed no JSON: ${mapJson.slice(0, 200)}` };
  }
  if (!Array.isArray(entries)) return { lost: 'qemu-img map did not print a list' };
  const extents: Extent[] = [];
  for (const e of entries as { start?: unknown; length?: unknown; data?: unknown }[]) {
    if (typeof e.start !== 'number' || typeof e.length !== 'number') return { lost: `bad map entry ${JSON.stringify(e)}` };
    if (e.data !== false || e.length === 0) continue;
    const last = extents.at(-1);
    if (last !== undefined && last.offset + last.length === e.start) extents[extents.length - 1] = { offset: last.offset, length: last.length + e.length };
    else extents.push({ offset: e.start, length: e.length });
  }
  return extents;
}

/** Reads bitmaps of one QEMU instance; starts its NBD server on first use. */
export class BitmapReader {
  private serverStarted = false;
  private exports = 0;

  constructor(
    private readonly qemu: QemuInstance,
    private readonly dir: string,
  ) {}

  async extents(bitmap: BitmapRef): Promise<Extent[] | QmpLost> {
    const socket = join(this.dir, 'nbd.sock');
    if (!this.serverStarted) {
      const started = await this.step('nbd-server-start', { addr: { type: 'unix', data: { path: socket } } });
      if (started !== undefined) return started;
      this.serverStarted = true;
    }
    const id = `dirtysim-readback-${++this.exports}`;
    const prepared = await this.steps([
      ['blockdev-add', { driver: 'null-co', 'node-name': id, size: bitmap.size }],
      ['block-dirty-bitmap-add', { node: id, name: COPY, granularity: bitmap.granularity, disabled: true }],
      ['block-dirty-bitmap-merge', { node: id, target: COPY, bitmaps: [{ node: bitmap.node, name: bitmap.name }] }],
    ]);
    const read = prepared ?? (await this.checkedRead(id, socket, bitmap));
    const removed = await this.step('blockdev-del', { 'node-name': id });
    if (isLost(read)) return read;
    return removed ?? read;
  }

  private async checkedRead(id: string, socket: string, bitmap: BitmapRef): Promise<Extent[] | QmpLost> {
    const digest = await this.qemu.execute('x-debug-block-dirty-bitmap-sha256', { node: id, name: COPY });
    if (isLost(digest)) return digest;
    const copied = 'return' in digest ? (digest.return as { sha256?: unknown }).sha256 : digest.error.desc;
    if (copied !== bitmap.sha256) return { lost: `copy of ${bitmap.node}/${bitmap.name} has sha256 ${String(copied)}, not ${bitmap.sha256}` };
    const exported = await this.step('block-export-add', { type: 'nbd', id, 'node-name': id, name: id, writable: false, bitmaps: [COPY] });
    if (exported !== undefined) return exported;
    const opts = `driver=nbd,export=${id},server.type=unix,server.path=${socket},x-dirty-bitmap=qemu:dirty-bitmap:${COPY}`;
    const map = await runTool('qemu-img', ['map', '--output=json', '--image-opts', opts], this.dir);
    // The export goes away asynchronously; the node can be deleted only after BLOCK_EXPORT_DELETED.
    const deleted = await this.step('block-export-del', { id });
    const gone = deleted ?? (await this.qemu.waitForEvent((e) => e.event === 'BLOCK_EXPORT_DELETED' && e.data['id'] === id));
    if (isLost(gone)) return gone;
    return map.ok ? dirtyExtentsFromMap(map.stdout) : { lost: map.message };
  }

  private async steps(commands: readonly [string, Readonly<Record<string, unknown>>][]): Promise<QmpLost | undefined> {
    for (const [command, args] of commands) {
      const failed = await this.step(command, args);
      if (failed !== undefined) return failed;
    }
    return undefined;
  }

  private async step(command: string, args: Readonly<Record<string, unknown>>): Promise<QmpLost | undefined> {
    const reply = await this.qemu.execute(command, args);
    if (isLost(reply)) return reply;
    return 'error' in reply ? { lost: `${command} ${JSON.stringify(args)}: ${reply.error.desc}` } : undefined;
  }
}
