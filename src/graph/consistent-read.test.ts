import { describe, expect, it } from 'vitest';
import { add, machineWith } from '../io/test-support.ts';
import { size } from '../size.ts';
import { isConsistentlyRead } from './consistent-read.ts';

describe('consistent-read users (what makes an overlay "already in use")', () => {
  it('a BlockBackend or a qcow2 parent reads consistently; an unused filter or backing link passes on nothing', () => {
    const m = machineWith('qemu-7.2', ['a', 'b'].map((n) => ({ filename: `${n}.qcow2`, format: 'qcow2' as const, size: size('1M') })));
    const a = add(m, { driver: 'qcow2', 'node-name': 'a', file: { driver: 'file', filename: 'a.qcow2', 'node-name': 'a-file' } });
    add(m, { driver: 'throttle', 'node-name': 'thr', 'throttle-group': 'tg', file: 'a' });
    add(m, { driver: 'qcow2', 'node-name': 'b', file: { driver: 'file', filename: 'b.qcow2' }, backing: 'a' });
    expect(isConsistentlyRead(m.graph, a)).toBe(false);
    expect(isConsistentlyRead(m.graph, m.graph.node('a-file')!)).toBe(true);
    m.graph.attachBackend({ kind: 'device', qdevId: 'vda', driver: 'virtio-blk-pci' }, m.graph.node('thr'));
    expect(isConsistentlyRead(m.graph, a)).toBe(true);
  });
});
