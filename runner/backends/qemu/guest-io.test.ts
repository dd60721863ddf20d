import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { guestIo, type HmpConsole } from './guest-io.ts';
import { OutputBuffer } from './output-buffer.ts';

/**
 * A QEMU whose HMP qemu-io prints as the real one does: `help MARK` on stdout, an unknown
 * command on stderr, a write's report and timing on stdout, and `read -P` a mismatch first.
 */
function fakeQemu(): HmpConsole & { out: PassThrough; err: PassThrough } {
  const out = new PassThrough();
  const err = new PassThrough();
  const stdout = new OutputBuffer(out);
  const stderr = new OutputBuffer(err);
  return {
    out,
    err,
    process: { stdout, stderr },
    async hmp(commandLine: string) {
      const line = /^qemu-io \S+ "(.*)"$/.exec(commandLine)?.[1] ?? '';
      if (line.startsWith('help ')) out.write(`command ${line.slice(5)} not found\n`);
      else if (line.startsWith('dirtysim-mark-')) err.write(`command "${line}" not found\n`);
      else if (line === 'read -v 0 4096') out.write(dump4K())
      else if (line.startsWith('write')) out.write('wrote 4096/4096 bytes at offset 0\n4 KiB, 1 ops; 00.00 sec (3.5 MiB/sec and 911.5 ops/sec)\n');
      else out.write('Pattern verification failed at offset 0, 4096 bytes\nread 4096/4096 bytes at offset 0\n');
      return '';
    },
  };
}

/** `read -v 0 4K` after the guest wrote 0x11 over the second half of an 0xaa range. */
function dump4K(): string {
  const lines = Array.from({ length: 256 }, (_, i) => {
    const hex = (i < 128 ? 'aa ' : '11 ').repeat(16);
    return `${(i * 16).toString(16).padStart(8, '0')}:  ${hex} ................\n`;
  });
  return `${lines.join('')}read 4096/4096 bytes at offset 0\n4 KiB, 1 ops; 00.00 sec (80.9 MiB/sec and 20720.2 ops/sec)\n`;
}

describe('guestIo', () => {
  it("ignores what QEMU printed before the command, e.g. drive-mirror's Formatting line", async () => {
    const qemu = fakeQemu();
    qemu.out.write("Formatting '/tmp/t.qcow2', fmt=qcow2 cluster_size=65536 extended_l2=off compression_type=zlib size=4194304 lazy_refcounts=off refcount_bits=16\n");
    qemu.err.write('something else on stderr\n');
    expect(await guestIo(qemu, 'vda', 'write -P 0x11 0 4K', 1000)).toEqual({ ok: true });
  });

  it("keeps the command's own failure, and reads a mismatching range back with read -v to say what it holds", async () => {
    const qemu = fakeQemu();
    expect(await guestIo(qemu, 'vda', 'read -P 0x11 0 4K', 1000)).toEqual({
      ok: false,
      message: 'Pattern verification failed at offset 0, 4096 bytes',
      holds: [
        { offset: 0, length: 2048, byte: 0xaa },
        { offset: 2048, length: 2048, byte: 0x11 },
      ],
    });
    // The read-back's own output does not leak into the next command.
    expect(await guestIo(qemu, 'vda', 'write -P 0x11 0 4K', 1000)).toEqual({ ok: true });
  });
});
