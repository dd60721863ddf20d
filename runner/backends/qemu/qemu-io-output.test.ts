import { describe, expect, it } from 'vitest';
import { ioReply } from './qemu-io-output.ts';

describe('ioReply', () => {
  it('treats report and timing lines as success', () => {
    expect(ioReply('wrote 4096/4096 bytes at offset 0\n4 KiB, 1 ops; 00.00 sec (3.561 MiB/sec and 911.5654 ops/sec)\n')).toEqual({ ok: true });
    expect(ioReply('wrote 3/3 bytes at offset 0\n3 bytes, 1 ops; 00.00 sec (65.179 KiB/sec and 22247.9 ops/sec)\n')).toEqual({ ok: true });
    expect(ioReply('')).toEqual({ ok: true }); // write -q prints nothing
  });

  it('keeps a failure line exactly as printed', () => {
    expect(ioReply('write failed: Input/output error\n')).toEqual({ ok: false, message: 'write failed: Input/output error' });
  });

  it('reports a pattern mismatch although the read itself succeeded', () => {
    const printed =
      'Pattern verification failed at offset 0, 4096 bytes\nread 4096/4096 bytes at offset 0\n4 KiB, 1 ops; 00.00 sec (80.9 MiB/sec and 20720.2 ops/sec)\n';
    expect(ioReply(printed)).toEqual({ ok: false, message: 'Pattern verification failed at offset 0, 4096 bytes' });
  });

  it('reports a parse error', () => {
    expect(ioReply('Parsing error: non-numeric argument, or extraneous/unrecognized suffix -- x\n')).toEqual({
      ok: false,
      message: 'Parsing error: non-numeric argument, or extraneous/unrecognized suffix -- x',
    });
  });
});
