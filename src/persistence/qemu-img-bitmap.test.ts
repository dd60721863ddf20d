import { describe, expect, it } from 'vitest';
import { createImage } from '../image/create.ts';
import type { Qcow2Image } from '../image/image.ts';
import { Simulator } from '../simulator.ts';
import { size } from '../size.ts';
import { parseBitmapArgs } from './qemu-img-bitmap-args.ts';

const words = (line: string) => line.split(' ');

describe('qemu-img bitmap command line (texts probed on 7.2)', () => {
  it('keeps actions in order around the positional arguments; the last -g wins', () => {
    const r = parseBitmapArgs(words('--add -g 64K a.qcow2 --disable b1 -g 128K --merge src'));
    expect(r).toEqual({
      ok: true,
      value: { filename: 'a.qcow2', bitmap: 'b1', actions: [{ op: 'add' }, { op: 'disable' }, { op: 'merge', source: 'src' }], granularity: size('128K'), format: undefined, sourceFile: undefined, sourceFormat: undefined },
    });
  });

  it.each([
    ['-b x a.qcow2 b1', 'Need at least one of --add, --remove, --clear, --enable, --disable, or --merge'],
    ['-g 64K --clear a.qcow2 b1', 'granularity only supported with --add'],
    ['-F qcow2 --merge b2 a.qcow2 b1', '-F only supported with -b'],
    ['--add -b a.qcow2 a.qcow2 b1', 'Merge bitmap source file only supported with --merge'],
    ['--add a.qcow2', 'Expecting filename and bitmap name'],
  ])('%s: %s', (line, message) => {
    expect(parseBitmapArgs(words(line))).toEqual({ ok: false, message });
  });
});

describe('qemu-img bitmap on the simulated host', () => {
  function host(): Simulator {
    const sim = new Simulator();
    createImage(sim.images, { filename: 'a.qcow2', format: 'qcow2', size: size('1M') });
    return sim;
  }
  const run = (sim: Simulator, line: string) => sim.qemuImgBitmap(words(line));

  it('adds persistent enabled bitmaps, --disable in the same call disables, errors carry the operation', () => {
    const sim = host();
    expect(run(sim, '--add -g 128K a.qcow2 b1')).toEqual({ ok: true });
    expect(run(sim, '--add --disable a.qcow2 b2')).toEqual({ ok: true });
    expect(run(sim, '--add a.qcow2 b1')).toEqual({ ok: false, message: 'qemu-img: Operation add on bitmap b1 failed: Bitmap already exists: b1' });
    expect(run(sim, '--add -g 1000 a.qcow2 b3')).toEqual({ ok: false, message: 'qemu-img: Operation add on bitmap b3 failed: Granularity must be power of 2 and at least 512' });
    expect(run(sim, '--clear --add a.qcow2 b8')).toEqual({ ok: false, message: "qemu-img: Operation clear on bitmap b8 failed: Dirty bitmap 'b8' not found" });
    expect(sim.storedBitmaps('a.qcow2')).toEqual([
      { name: 'b1', granularity: size('128K'), flags: ['auto'] },
      { name: 'b2', granularity: size('64K'), flags: [] },
    ]);
  });

  it('actions before a failing one stay done: the image is closed (and stored) either way', () => {
    const sim = host();
    run(sim, '--add a.qcow2 b1');
    expect(run(sim, '--remove --remove a.qcow2 b1')).toEqual({ ok: false, message: "qemu-img: Operation remove on bitmap b1 failed: Dirty bitmap 'b1' not found" });
    expect(sim.storedBitmaps('a.qcow2')).toEqual([]);
  });

  it('merges from another image opened read-only, and refuses missing or held files', () => {
    const sim = host();
    createImage(sim.images, { filename: 'src.qcow2', format: 'qcow2', size: size('1M') });
    run(sim, '--add src.qcow2 s');
    sim.offlineIo('src.qcow2', 'qcow2', 'write 0 4K');
    run(sim, '--add a.qcow2 t');
    expect(run(sim, '--merge s -b src.qcow2 -F qcow2 a.qcow2 t')).toEqual({ ok: true });
    const t = (sim.images.get('a.qcow2') as Qcow2Image).bitmaps.find('t');
    expect(t?.contents.count).toBe(size('64K'));
    expect(sim.storedBitmaps('src.qcow2')?.[0]?.flags).toEqual(['auto']);
    expect(run(sim, '--add nope.qcow2 b')).toEqual({ ok: false, message: "qemu-img: Could not open 'nope.qcow2': Could not open 'nope.qcow2': No such file or directory" });
    sim.qmp('blockdev-add', { driver: 'qcow2', 'node-name': 'n', file: { driver: 'file', filename: 'a.qcow2' } });
    expect(run(sim, '--add a.qcow2 b')).toEqual({
      ok: false,
      message: `qemu-img: Could not open 'a.qcow2': Failed to get "write" lock\nIs another process using the image [a.qcow2]?`,
    });
  });

  const holdSrc = (extra: Record<string, unknown> = {}) => ['blockdev-add', { driver: 'qcow2', 'node-name': 'n0', ...extra, file: { driver: 'file', filename: 'src.qcow2' } }] as const;
  const device = ['device_add', { driver: 'virtio-blk-pci', id: 'vd0', drive: 'n0' }] as const;
  const MERGE_OPENED = "qemu-img: Operation merge on bitmap t failed: Dirty bitmap 't' not found";
  it.each([
    ['read-write', [holdSrc()], 'qemu-img: Could not open \'src.qcow2\': Failed to get shared "write" lock\nIs another process using the image [src.qcow2]?'],
    ['read-only', [holdSrc({ 'read-only': true })], MERGE_OPENED],
    ['read-only under a device', [holdSrc({ 'read-only': true }), device], MERGE_OPENED],
  ] as const)('an image the instance holds %s refuses --add; the -b source opens read-only (probed on 7.2.22)', (_, commands, merge) => {
    const sim = host();
    createImage(sim.images, { filename: 'src.qcow2', format: 'qcow2', size: size('1M') });
    run(sim, '--add src.qcow2 s');
    for (const [command, args] of commands) expect(sim.qmp(command, args)).toEqual({ return: {} });
    expect(run(sim, '--add src.qcow2 b1')).toEqual({
      ok: false,
      message: `qemu-img: Could not open 'src.qcow2': Failed to get "write" lock\nIs another process using the image [src.qcow2]?`,
    });
    expect(run(sim, '--merge s -b src.qcow2 -F qcow2 a.qcow2 t')).toEqual({ ok: false, message: merge });
  });
});
