import { describe, expect, it } from 'vitest';
import { size } from '../size.ts';
import { createImage } from './create.ts';
import { qcow2HostLength } from './image.ts';
import { ImageStore } from './store.ts';

describe('qemu-img create', () => {
  it('creates qcow2 with defaults and takes the size from the backing file', () => {
    const store = new ImageStore();
    expect(createImage(store, { filename: 'b.qcow2', format: 'qcow2', size: size('1G') }).ok).toBe(true);
    const r = createImage(store, { filename: 't.qcow2', format: 'qcow2', backingFile: 'b.qcow2', backingFormat: 'qcow2' });
    expect(r.ok && r.image).toMatchObject({ size: size('1G'), clusterSize: 65536, compat: '1.1', backingFile: 'b.qcow2' });
  });

  it('reports qemu-img errors', () => {
    const store = new ImageStore();
    expect(createImage(store, { filename: 'x', format: 'qcow2' })).toEqual({ ok: false, message: 'Image creation needs a size parameter' });
    expect(createImage(store, { filename: 'x', format: 'qcow2', size: 1, clusterSize: 1000 })).toEqual({
      ok: false,
      message: 'Cluster size must be a power of two between 512 and 2048k',
    });
    expect(createImage(store, { filename: 'x', format: 'raw', size: 1, backingFile: 'b' })).toEqual({
      ok: false,
      message: "Backing file not supported for file format 'raw'",
    });
    expect(store.filenames()).toEqual([]);
  });

  it('cannot create outside the session directory (probed: qemu-img create -f qcow2 sub/x.qcow2 1M)', () => {
    const store = new ImageStore();
    for (const [filename, format] of [['sub/x.qcow2', 'qcow2'], ['/tmp/x.img', 'raw']] as const) {
      expect(createImage(store, { filename, format, size: size('1M') })).toEqual({
        ok: false,
        message: `Could not create '${filename}': No such file or directory`,
      });
    }
    expect(store.filenames()).toEqual([]);
  });

  it('knows the length of a fresh qcow2 file (measured with qemu-img 7.2)', () => {
    const store = new ImageStore();
    const lengths = (['1M', '100G', '1T'] as const).map((s) => {
      const r = createImage(store, { filename: s, format: 'qcow2', size: size(s) });
      return r.ok && r.image.format === 'qcow2' ? qcow2HostLength(r.image) : -1;
    });
    expect(lengths).toEqual([196616, 198208, 212992]);
  });
});
