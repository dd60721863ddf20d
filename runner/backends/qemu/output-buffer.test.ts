import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OutputBuffer } from './output-buffer.ts';

describe('OutputBuffer.takeThrough', () => {
  it('returns each segment up to its marker line, across chunk boundaries', async () => {
    const stream = new PassThrough();
    const out = new OutputBuffer(stream);
    stream.write('wrote 4096/4096 bytes at offset 0\ncommand M');
    const first = out.takeThrough('command M1 not found', 1000);
    stream.write('1 not found\nnext line\n');
    expect(await first).toBe('wrote 4096/4096 bytes at offset 0\n');
    stream.write('command M2 not found\n');
    expect(await out.takeThrough('command M2 not found', 1000)).toBe('next line\n');
    expect(out.text).toContain('next line');
  });

  it('matches whole lines only', async () => {
    const stream = new PassThrough();
    const out = new OutputBuffer(stream);
    stream.write('xcommand M not found\ncommand M not found\n');
    expect(await out.takeThrough('command M not found', 1000)).toBe('xcommand M not found\n');
  });

  it('gives up when the stream ends or time runs out', async () => {
    const stream = new PassThrough();
    const out = new OutputBuffer(stream);
    expect(await out.takeThrough('never', 20)).toEqual({ lost: "'never' not printed within 20 ms" });
    stream.end('partial');
    expect(await out.takeThrough('never', 1000)).toEqual({ lost: "output ended before 'never'" });
  });
});
