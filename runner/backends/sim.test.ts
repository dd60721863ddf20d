import { describe, expect, it } from 'vitest';
import { size } from '../../src/size.ts';
import { Unsupported } from '../execute/unsupported.ts';
import type { Setup } from './backend.ts';
import { simBackend } from './sim.ts';
import { chainSetup } from './test-setup.ts';

const setup = chainSetup('1M', ['write -P 0xaa 0 128K']);

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

  it('restart stores persistent bitmaps and rebuilds the graph; crash stores nothing', async () => {
    const s = await simBackend().open(setup);
    await s.qmp('block-dirty-bitmap-add', { node: 'top', name: 'kept', persistent: true });
    await s.qmp('block-dirty-bitmap-add', { node: 'top', name: 'lost', persistent: true });
    await s.io('vda', 'write -P 0x11 0 4K');
    await s.restart();
    const names = async () => (await s.observe()).find((n) => n.nodeName === 'top')?.bitmaps.map((b) => [b.name, b.count, b.inconsistent]);
    // The directory got [lost, kept] (newest first); loading lists it reversed.
    expect(await names()).toEqual([['kept', size('64K'), false], ['lost', size('64K'), false]]);
    expect(await s.storedBitmaps?.('top.qcow2')).toEqual([
      { name: 'lost', granularity: size('64K'), flags: ['in-use', 'auto'] },
      { name: 'kept', granularity: size('64K'), flags: ['in-use', 'auto'] },
    ]);
    await s.qmp('block-dirty-bitmap-add', { node: 'top', name: 'fresh', persistent: true });
    await s.crash();
    expect(await names()).toEqual([['kept', 0, true], ['lost', 0, true]]);
    await s.close();
  });

  it('runs qemu-img bitmap on a closed image and refuses one the instance holds', async () => {
    const s = await simBackend().open(setup);
    expect(await s.qemuImg?.(['bitmap', '--add', 'top.qcow2', 'b1'])).toEqual({
      ok: false,
      message: `qemu-img: Could not open 'top.qcow2': Failed to get "write" lock\nIs another process using the image [top.qcow2]?`,
    });
    await expect(s.qemuImg?.(['info', 'top.qcow2'])).rejects.toBeInstanceOf(Unsupported);
    await s.close();
  });

  it('opens graph files by absolute path in its session directory, as the QEMU backend does', async () => {
    const s = await simBackend().open(setup);
    const reply = await s.qmp('query-named-block-nodes', { flat: true });
    const files = 'return' in reply ? (reply.return as { 'node-name': string; file: string }[]).map((n) => [n['node-name'], n.file]) : [];
    expect(files).toEqual([
      [
        'top',
        'json:{"backing": {"driver": "qcow2", "file": {"driver": "file", "filename": "/dirtysim/session/base.qcow2"}}, ' +
          '"driver": "qcow2", "file": {"driver": "file", "filename": "/dirtysim/session/top.qcow2"}}',
      ],
      ['top-file', '/dirtysim/session/top.qcow2'],
      ['base', '/dirtysim/session/base.qcow2'],
      ['base-file', '/dirtysim/session/base.qcow2'],
    ]);
    // The overridden link: only the backing node's exact (absolute) name finds it.
    expect(await s.qmp('block-stream', { 'job-id': 's0', device: 'top', base: 'base.qcow2' })).toEqual({
      error: { class: 'GenericError', desc: "Can't find 'base.qcow2' in the backing chain" },
    });
    expect(await s.qmp('block-stream', { 'job-id': 's0', device: 'top', base: '/dirtysim/session/base.qcow2' })).toEqual({ return: {} });
    // Host tools still name files relative to the session directory.
    expect(await s.storedBitmaps?.('top.qcow2')).toEqual([]);
    await s.close();
  });

  it('describes where its cases run', async () => {
    expect(await simBackend().describe()).toBe('simulator (in-process)');
    expect(await simBackend('worker thread').describe()).toBe('simulator (worker thread)');
  });

  it('refuses a setup the simulator rejects, naming the command', async () => {
    const bad: Setup = { ...setup, devices: [{ id: 'vda', drive: 'nowhere' }] };
    await expect(simBackend().open(bad)).rejects.toThrow(/^device_add .*nowhere/);
  });
});
