import { describe, expect, it } from 'vitest';
import { size } from '../../src/size.ts';
import { Unsupported } from '../execute/unsupported.ts';
import type { Setup } from './backend.ts';
import { simBackend } from './sim.ts';

const setup: Setup = {
  semantics: 'qemu-7.2',
  images: [
    { filename: 'base.qcow2', format: 'qcow2', size: size('1M'), data: ['write -P 0xaa 0 128K'] },
    { filename: 'top.qcow2', format: 'qcow2', size: size('1M'), backing: { filename: 'base.qcow2', format: 'qcow2' }, data: [] },
  ],
  blockdevs: [
    { driver: 'qcow2', 'node-name': 'base', file: { driver: 'file', filename: 'base.qcow2', 'node-name': 'base-file' } },
    { driver: 'qcow2', 'node-name': 'top', backing: 'base', file: { driver: 'file', filename: 'top.qcow2', 'node-name': 'top-file' } },
  ],
  devices: [{ id: 'vda', drive: 'top' }],
};

describe('sim backend', () => {
  it('builds images with their data, the graph and the device, then runs QMP and qemu-io', async () => {
    const s = await simBackend().open(setup);
    expect(await s.io('vda', 'read -P 0xaa 0 128K')).toEqual({ ok: true });
    expect(await s.qmp('block-dirty-bitmap-add', { node: 'top', name: 'b0' })).toEqual({ return: {} });
    expect(await s.io('vda', 'write -P 0x11 200K 4K')).toEqual({ ok: true });
    const top = (await s.observe()).find((n) => n.nodeName === 'top');
    expect(top?.bitmaps.map((b) => [b.name, b.count, b.extents])).toEqual([['b0', size('64K'), [{ offset: size('192K'), length: size('64K') }]]]);
    await s.close();
    await s.close();
    await expect(s.qmp('query-block')).rejects.toThrow('closed');
  });

  it('answers restart and crash with Unsupported until the core models persistence', async () => {
    const s = await simBackend().open(setup);
    await expect(s.restart()).rejects.toBeInstanceOf(Unsupported);
    await expect(s.crash()).rejects.toBeInstanceOf(Unsupported);
  });

  it('refuses a setup the simulator rejects, naming the command', async () => {
    const bad: Setup = { ...setup, devices: [{ id: 'vda', drive: 'nowhere' }] };
    await expect(simBackend().open(bad)).rejects.toThrow(/^device_add .*nowhere/);
  });
});
