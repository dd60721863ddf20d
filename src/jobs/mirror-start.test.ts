import { describe, expect, it } from 'vitest';
import { bitmapOn, mirrorMachine } from './mirror-fixture.ts';
import { node, qmp } from './test-chain.ts';

const base = { 'job-id': 'm', device: 'src', target: 'tgt', sync: 'full' };
const CANNOT_REPLACE = "Cannot replace 'tgt' by a node mirrored from 'src', because it cannot be guaranteed that doing so would not lead to an abrupt change of visible data";

describe('blockdev-mirror argument errors, in QEMU 7.2 order (probed on 7.2.22)', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ sync: 'incremental' }, "Sync mode 'incremental' not supported"],
    [{ sync: 'bitmap' }, "Sync mode 'bitmap' not supported"],
    [{ granularity: 256 }, "Parameter 'granularity' expects a value in range [512B, 64MB]"],
    [{ granularity: 128 * 1024 * 1024 }, "Parameter 'granularity' expects a value in range [512B, 64MB]"],
    [{ granularity: 1536 }, "Parameter 'granularity' expects a power of 2"],
    [{ replaces: 'nope' }, "Failed to find node with node-name='nope'"],
    [{ replaces: 'tgt' }, CANNOT_REPLACE],
    [{ 'buf-size': -1 }, "Invalid parameter 'buf-size'"],
    [{ speed: -1 }, "Parameter 'speed' expects a non-negative value"],
    [{ 'job-id': undefined }, "Invalid job ID ''"],
    [{ target: 'src' }, "Can't mirror node into itself"],
    [{ device: 'nope' }, "Cannot find device='nope' nor node-name='nope'"],
    [{ target: 'nope' }, "Cannot find device='nope' nor node-name='nope'"],
    [{ 'filter-node-name': 'tgt' }, "Duplicate nodes with node-name='tgt'"],
    // Orders: granularity, replaces, sync, buf-size, itself, filter name, job id, speed.
    [{ sync: 'bitmap', granularity: 100 }, "Parameter 'granularity' expects a value in range [512B, 64MB]"],
    [{ replaces: 'nope', granularity: 100 }, "Parameter 'granularity' expects a value in range [512B, 64MB]"],
    [{ replaces: 'nope', sync: 'bitmap' }, "Failed to find node with node-name='nope'"],
    [{ 'buf-size': -1, sync: 'bitmap' }, "Sync mode 'bitmap' not supported"],
    [{ target: 'src', 'buf-size': -1 }, "Invalid parameter 'buf-size'"],
    [{ target: 'src', 'job-id': '1' }, "Can't mirror node into itself"],
    [{ target: 'src', 'filter-node-name': 'tgt' }, "Can't mirror node into itself"],
    [{ 'filter-node-name': 'tgt', 'job-id': '1' }, "Duplicate nodes with node-name='tgt'"],
    [{ 'buf-size': -1, 'job-id': '1' }, "Invalid parameter 'buf-size'"],
    [{ 'job-id': '1', speed: -1 }, "Invalid job ID '1'"],
  ];
  it.each(cases)('%o', (args, desc) => {
    const m = mirrorMachine();
    const { 'job-id': id, ...rest } = { ...base, ...args };
    expect(qmp(m, 'blockdev-mirror', id === undefined ? rest : { 'job-id': id, ...rest })).toEqual({ error: { class: 'GenericError', desc } });
    expect(m.events).toEqual([]);
    expect(m.graph.device('vda')?.root).toBe(node(m, 'src'));
    expect(bitmapOn(m, 'src', undefined)).toBeUndefined();
  });

  it('replaces the source itself is accepted', () => {
    expect(qmp(mirrorMachine(), 'blockdev-mirror', { ...base, replaces: 'src' })).toEqual({ return: {} });
  });

  it('a node under a job is no root node; a job target is busy', () => {
    const m = mirrorMachine();
    qmp(m, 'blockdev-add', { driver: 'null-co', 'node-name': 'n1', size: 4 * 1024 * 1024 });
    qmp(m, 'blockdev-mirror', base);
    expect(qmp(m, 'blockdev-mirror', { ...base, 'job-id': 'm2', device: 'src' })).toEqual({ error: { class: 'GenericError', desc: 'Need a root block node' } });
    expect(qmp(m, 'blockdev-mirror', { ...base, 'job-id': 'm2', device: 'tgt', target: 'n1' })).toEqual({ error: { class: 'GenericError', desc: 'Need a root block node' } });
    expect(qmp(m, 'blockdev-mirror', { ...base, 'job-id': 'm2', device: 'n1' })).toEqual({
      error: { class: 'GenericError', desc: "Node 'tgt' is busy: block device is in use by block job: mirror" },
    });
  });
});
