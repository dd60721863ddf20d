import { describe, expect, it } from 'vitest';
import { genericPath } from '../../io/path.ts';
import { add, io, machineWith } from '../../io/test-support.ts';
import type { Machine } from '../../machine.ts';
import { size } from '../../size.ts';
import type { BlockNode } from '../node.ts';

/**
 * base (4M, 0xaa at [0, 1M)) <- top, both qcow2; `cluster` is top's cluster size. The expected
 * maps are what `qemu-img map` showed on 7.2 for the same writes (depth 0 = top).
 */
function chain(cluster = 65536): { m: Machine; top: BlockNode } {
  const m = machineWith('qemu-7.2', [
    { filename: 'base.qcow2', format: 'qcow2', size: size('4M') },
    { filename: 'top.qcow2', format: 'qcow2', backingFile: 'base.qcow2', backingFormat: 'qcow2', clusterSize: cluster },
  ]);
  add(m, { driver: 'qcow2', 'node-name': 'base', file: { driver: 'file', filename: 'base.qcow2' } });
  io(m, 'base', 'write -P 0xaa 0 1M');
  // discard=unmap as qemu-io opens images (-blockdev's default, ignore, would drop discards).
  const top = add(m, { driver: 'qcow2', 'node-name': 'top', discard: 'unmap', file: { driver: 'file', filename: 'top.qcow2' }, backing: 'base' });
  return { m, top };
}

const allocated = (node: BlockNode): [number, number][] =>
  node.driver.allocated(node, 0, node.length()).map((r) => [r.start, r.end]);

const K = 1024;

describe('qcow2 allocates whole clusters', () => {
  it('a 4K write copies the rest of its cluster from the backing file', () => {
    const { m, top } = chain();
    io(m, 'top', 'write -P 0x11 4K 4K');
    expect(allocated(top)).toEqual([[0, 64 * K]]);
    io(m, 'top', 'read -P 0xaa 0 4K');
    io(m, 'top', 'read -P 0x11 4K 4K');
    io(m, 'top', 'read -P 0xaa 8K 56K');
    // The copied part is top's own now: a later change below does not show through.
    io(m, 'base', 'write -P 0xbb 0 64K');
    io(m, 'top', 'read -P 0xaa 8K 56K');
  });

  it('a write where the backing reads zeroes (or past no backing) allocates zeroes', () => {
    const { m, top } = chain();
    io(m, 'top', 'write -P 0x22 2M 512');
    expect(allocated(top)).toEqual([[2048 * K, 2112 * K]]);
    io(m, 'top', 'read -P 0 2097664 65024');
  });

  it('a write spanning two clusters allocates both, the last clipped to the image end', () => {
    const m = machineWith('qemu-7.2', [{ filename: 'odd.qcow2', format: 'qcow2', size: 100 * K }]);
    const odd = add(m, { driver: 'qcow2', 'node-name': 'odd', file: { driver: 'file', filename: 'odd.qcow2' } });
    io(m, 'odd', 'write -P 0x33 60K 8K');
    expect(allocated(odd)).toEqual([[0, 100 * K]]);
    io(m, 'odd', 'read -P 0 0 60K');
    io(m, 'odd', 'read -P 0 68K 32K');
  });

  it('a partial zero write allocates its cluster too, keeping the backing data around it', () => {
    const { m, top } = chain();
    io(m, 'top', 'write -z 64K 4K');
    expect(allocated(top)).toEqual([[64 * K, 128 * K]]);
    io(m, 'top', 'read -P 0 64K 4K');
    io(m, 'top', 'read -P 0xaa 68K 60K');
  });

  it('the cluster size comes from the image', () => {
    const { m, top } = chain(4096);
    io(m, 'top', 'write -P 0x11 5K 1K');
    expect(allocated(top)).toEqual([[4 * K, 8 * K]]);
  });

  it('a partial discard leaves the cluster alone; a whole one becomes a zero cluster over a backing file', () => {
    const { m, top } = chain();
    io(m, 'top', 'discard 128K 4K');
    io(m, 'top', 'discard 192K 64K');
    expect(allocated(top)).toEqual([[192 * K, 256 * K]]);
    io(m, 'top', 'read -P 0xaa 128K 64K');
    io(m, 'top', 'read -P 0 192K 64K');
  });

  it('a v2 image without a backing file has no zero clusters: a zero write unmaps or writes in place', () => {
    const m = machineWith('qemu-7.2', [{ filename: 'v2.qcow2', format: 'qcow2', size: size('4M'), compat: '0.10' }]);
    const v2 = add(m, { driver: 'qcow2', 'node-name': 'v2', file: { driver: 'file', filename: 'v2.qcow2' } });
    io(m, 'v2', 'write -P 0x11 0 128K');
    io(m, 'v2', 'write -z 0 64K');
    io(m, 'v2', 'write -z 64K 4K');
    io(m, 'v2', 'write -z 2M 4K');
    // qemu-img map on 7.2 after the same writes: only [64K, 128K) stays allocated.
    expect(allocated(v2)).toEqual([[64 * K, 128 * K]]);
    io(m, 'v2', 'read -P 0 0 68K');
    io(m, 'v2', 'read -P 0x11 68K 60K');
  });

  it('growing an image shows the rest of an allocated last cluster, reading zeroes', () => {
    const m = machineWith('qemu-7.2', [{ filename: 'odd.qcow2', format: 'qcow2', size: 100 * K }]);
    const odd = add(m, { driver: 'qcow2', 'node-name': 'odd', file: { driver: 'file', filename: 'odd.qcow2' } });
    io(m, 'odd', 'write -P 0x11 64K 4K');
    expect(allocated(odd)).toEqual([[64 * K, 100 * K]]);
    const grown = genericPath(m.semantics).truncate(odd, size('1M'));
    expect(grown).toEqual({ ok: true });
    expect(allocated(odd)).toEqual([[64 * K, 128 * K]]);
    io(m, 'odd', 'read -P 0 68K 60K');
  });
});

