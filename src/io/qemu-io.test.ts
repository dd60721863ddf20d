import { describe, expect, it } from 'vitest';
import { size } from '../size.ts';
import { qemuIo } from './qemu-io.ts';
import { add, machineWith } from './test-support.ts';

function rawNode() {
  const m = machineWith('qemu-7.2', [{ filename: 'r.img', format: 'raw', size: size('8M') }]);
  const node = add(m, { driver: 'raw', 'node-name': 'r', file: { driver: 'file', filename: 'r.img' } });
  return (line: string) => qemuIo(m, node, line);
}

describe('qemu-io command lines (texts from qemu-io 7.2)', () => {
  it.each([
    ['write 1x 4k', 'Parsing error: non-numeric argument, or extraneous/unrecognized suffix -- 1x'],
    ['write 0 1.5', 'Parsing error: non-numeric argument, or extraneous/unrecognized suffix -- 1.5'],
    ['write 8M 4k', 'write failed: Input/output error'],
    ['write 2e 4k', 'write failed: Input/output error'],
    ['write -P 0x1ff 0 4k', '0x1ff is not a valid pattern byte'],
    ['write -P zz 0 4k', 'zz is not a valid pattern byte'],
    ['write 0', 'bad argument count 1 to write, expected at least 2 arguments'],
    ['write -u 0 64k', '-u requires -z to be specified'],
    ['write -z -P 0x11 0 4k', 'Only one of -z, -P, and -s can be specified at the same time'],
    ['write -c 0 64k', 'write failed: Operation not supported'],
    ['read 0 100M', 'read failed: Input/output error'],
    ['discard 9M 4k', 'discard failed: Input/output error'],
    ['frob 0 64k', 'command "frob" not found'],
  ])('%s -> %s', (line, message) => {
    expect(rawNode()(line)).toEqual({ ok: false, message });
  });

  it('accepts qemu-io size and pattern syntax', () => {
    const run = rawNode();
    expect(run('write -P 17 1.5k 0x1000')).toEqual({ ok: true });
    expect(run('read -q -P 0x11 1536 4096')).toEqual({ ok: true });
    expect(run('write -z -c 0 4k')).toEqual({ ok: true });
    expect(run('read -P 0 0 4k')).toEqual({ ok: true });
    // No -P: qemu-io writes 0xcd.
    expect(run('write -f -q 64k 4k')).toEqual({ ok: true });
    expect(run('read -P 0xcd 64k 4k')).toEqual({ ok: true });
    expect(run('read -P 0x11 32k 64k')).toMatchObject({ ok: false, message: 'Pattern verification failed at offset 32768, 65536 bytes' });
  });

  it('a failed read -P holds the runs the read saw, zeroes included, covering exactly the range', () => {
    const run = rawNode();
    run('write -P 0x11 64k 4k');
    run('write -P 0x11 68k 2k');
    expect(run('read -P 0x11 62k 16k')).toEqual({
      ok: false,
      message: 'Pattern verification failed at offset 63488, 16384 bytes',
      holds: [
        { start: 62 * 1024, end: 64 * 1024, byte: 0 },
        // Two writes of the same byte read back as one run.
        { start: 64 * 1024, end: 70 * 1024, byte: 0x11 },
        { start: 70 * 1024, end: 78 * 1024, byte: 0 },
      ],
    });
  });

  it('refuses writes and discards on a read-only node before running them; reads still work', () => {
    const m = machineWith('qemu-7.2', [{ filename: 'r.img', format: 'raw', size: size('1M') }]);
    const node = add(m, { driver: 'raw', 'node-name': 'r', 'read-only': true, file: { driver: 'file', filename: 'r.img' } });
    expect(qemuIo(m, node, 'write 0 4k')).toEqual({ ok: false, message: 'Block node is read-only' });
    expect(qemuIo(m, node, 'discard 0 4k')).toEqual({ ok: false, message: 'Block node is read-only' });
    expect(qemuIo(m, node, 'write 0')).toEqual({ ok: false, message: 'bad argument count 1 to write, expected at least 2 arguments' });
    expect(qemuIo(m, node, 'read 0 4k')).toEqual({ ok: true });
  });
});
