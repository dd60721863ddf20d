import { describe, expect, it } from 'vitest';
import { parseDump, patternMismatch } from './read-dump.ts';

/** qemu-io's dump of `bytes` read at `offset`: 16 per line, hex then an ASCII column. */
function dump(offset: number, bytes: readonly number[]): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const row = bytes.slice(i, i + 16);
    const hex = row.map((b) => `${b.toString(16).padStart(2, '0')} `).join('').padEnd(48, ' ');
    const ascii = row.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${(offset + i).toString(16).padStart(8, '0')}:  ${hex} ${ascii}`);
  }
  return `${lines.join('\n')}\nread ${bytes.length}/${bytes.length} bytes at offset ${offset}\n4 KiB, 1 ops; 00.00 sec (135.478 MiB/sec and 34682.4819 ops/sec)\n`;
}

describe('read -v dumps as runs', () => {
  it('finds the range a pattern mismatch names, among other lines', () => {
    expect(patternMismatch('Pattern verification failed at offset 63488, 4096 bytes')).toEqual({ offset: 63488, length: 4096 });
    expect(patternMismatch('x\nPattern verification failed at offset 0, 512 bytes\ny')).toEqual({ offset: 0, length: 512 });
    expect(patternMismatch('read failed: Input/output error')).toBeUndefined();
  });

  it('folds equal bytes into runs across lines, a partial last line included', () => {
    const bytes = [...Array<number>(20).fill(0), ...Array<number>(12).fill(0x11), 0x61, 0x62, 0xaa];
    expect(parseDump(dump(0x1fff0, bytes), { offset: 0x1fff0, length: bytes.length })).toEqual([
      { offset: 0x1fff0, length: 20, byte: 0 },
      { offset: 0x1fff0 + 20, length: 12, byte: 0x11 },
      // The ASCII column "ab." looks like a hex byte; it is not read as one.
      { offset: 0x1fff0 + 32, length: 1, byte: 0x61 },
      { offset: 0x1fff0 + 33, length: 1, byte: 0x62 },
      { offset: 0x1fff0 + 34, length: 1, byte: 0xaa },
    ]);
  });

  it('reads addresses wider than 8 digits, past 4 GiB', () => {
    expect(parseDump(dump(2 ** 33, Array<number>(32).fill(0xcd)), { offset: 2 ** 33, length: 32 })).toEqual([{ offset: 2 ** 33, length: 32, byte: 0xcd }]);
  });

  it('refuses a dump that is cut short or starts elsewhere', () => {
    const bytes = Array<number>(32).fill(7);
    expect(parseDump(dump(0, bytes), { offset: 0, length: 48 })).toBeUndefined();
    expect(parseDump(dump(16, bytes), { offset: 0, length: 32 })).toBeUndefined();
  });
});
