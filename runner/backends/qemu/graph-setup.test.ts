import { describe, expect, it } from 'vitest';
import type { Setup } from '../backend.ts';
import { inSessionDir } from '../graph-commands.ts';
import { buildGraph, throttleGroups } from './graph-setup.ts';

describe('inSessionDir', () => {
  it('moves nested file-node names into the session directory and leaves the rest alone', () => {
    const args = {
      driver: 'qcow2',
      'node-name': 'top',
      file: { driver: 'file', filename: 'top.qcow2' },
      backing: { driver: 'qcow2', 'node-name': 'base', file: { driver: 'file', filename: 'base.qcow2' } },
    };
    expect(inSessionDir(args, '/tmp/s')).toEqual({
      driver: 'qcow2',
      'node-name': 'top',
      file: { driver: 'file', filename: '/tmp/s/top.qcow2' },
      backing: { driver: 'qcow2', 'node-name': 'base', file: { driver: 'file', filename: '/tmp/s/base.qcow2' } },
    });
  });

  it('keeps absolute names and filenames of other drivers', () => {
    const args = { driver: 'file', filename: '/dev/null', x: { driver: 'nbd', filename: 'rel' } };
    expect(inSessionDir(args, '/tmp/s')).toEqual(args);
  });
});

describe('buildGraph', () => {
  const setup: Setup = {
    images: [],
    blockdevs: [
      { driver: 'null-co', 'node-name': 'n0', size: 1048576 },
      { driver: 'throttle', 'node-name': 'thr', 'throttle-group': 'tg0', file: 'n0' },
    ],
    devices: [{ id: 'vd0', drive: 'thr' }],
    semantics: 'qemu-7.2',
  };

  it('creates throttle groups first, then nodes, then devices', async () => {
    const sent: string[] = [];
    const failure = await buildGraph(async (command, args) => {
      sent.push(`${command} ${JSON.stringify(args)}`);
      return { return: {} };
    }, setup, '/tmp/s');
    expect(failure).toBeUndefined();
    expect(throttleGroups(setup.blockdevs)).toEqual(['tg0']);
    expect(sent).toEqual([
      'object-add {"qom-type":"throttle-group","id":"tg0","limits":{}}',
      'blockdev-add {"driver":"null-co","node-name":"n0","size":1048576}',
      'blockdev-add {"driver":"throttle","node-name":"thr","throttle-group":"tg0","file":"n0"}',
      'device_add {"driver":"virtio-blk-pci","id":"vd0","drive":"thr"}',
    ]);
  });

  it('stops at the first QMP error and names the command', async () => {
    const failure = await buildGraph(async (command) =>
      command === 'blockdev-add' ? { error: { class: 'GenericError', desc: 'boom' } } : { return: {} }, setup, '/d');
    expect(failure).toBe('blockdev-add {"driver":"null-co","node-name":"n0","size":1048576}: boom');
  });
});
