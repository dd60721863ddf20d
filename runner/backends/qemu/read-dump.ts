/**
 * What a range holds on real QEMU, for a failed `read -P`: qemu-io prints only "Pattern
 * verification failed at offset N, M bytes" (qemu-io-cmds.c:read_f), so the range is read again
 * with `read -v`, whose hexdump (qemu-io-cmds.c:dump_buffer, 16 bytes a line, every line printed)
 * is folded into runs of equal bytes:
 *
 *   0000f800:  00 00 ... 00  ................     ->  { offset: 62K, length: 2K, byte: 0x00 }
 *   00010000:  11 11 ... 11  ................         { offset: 64K, length: 2K, byte: 0x11 }
 */
import type { DataRun } from '../backend.ts';

export interface ByteRange {
  readonly offset: number;
  readonly length: number;
}

const MISMATCH = /^Pattern verification failed at offset (\d+), (\d+) bytes$/m;
/** An address of at least 8 hex digits, two spaces, then 1..16 "xx " byte columns. */
const DUMP_LINE = /^([0-9a-f]{8,}): {2}((?:[0-9a-f]{2} )+)/;

/** The range a pattern mismatch names, if `message` reports one. */
export function patternMismatch(message: string): ByteRange | undefined {
  const m = MISMATCH.exec(message);
  return m === null ? undefined : { offset: Number(m[1]), length: Number(m[2]) };
}

/**
 * The runs of `read -v OFFSET LENGTH`'s dump, or undefined unless the dump covers exactly
 * [offset, offset+length) line after line (anything else is not a dump this code understands).
 */
export function parseDump(printed: string, range: ByteRange): DataRun[] | undefined {
  const runs: DataRun[] = [];
  let next = range.offset;
  for (const line of printed.split('\n')) {
    const m = DUMP_LINE.exec(line);
    if (m === null) continue;
    if (Number.parseInt(m[1] ?? '', 16) !== next) return undefined;
    for (const hex of (m[2] ?? '').trim().split(' ')) {
      const byte = Number.parseInt(hex, 16);
      const last = runs.at(-1);
      if (last !== undefined && last.byte === byte) runs[runs.length - 1] = { ...last, length: last.length + 1 };
      else runs.push({ offset: next, length: 1, byte });
      next++;
    }
  }
  return next === range.offset + range.length ? runs : undefined;
}
