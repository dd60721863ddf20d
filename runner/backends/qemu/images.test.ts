import { describe, expect, it } from 'vitest';
import { createArgs } from './images.ts';

describe('qemu-img create arguments', () => {
  it('puts cluster size and compat in one -o list', () => {
    const spec = { filename: 'v2.qcow2', format: 'qcow2', size: 1048576, clusterSize: 4096, compat: '0.10', data: [] } as const;
    expect(createArgs(spec)).toEqual(['create', '-q', '-f', 'qcow2', '-o', 'cluster_size=4096,compat=0.10', 'v2.qcow2', '1048576']);
  });

  it('passes no -o when the spec has no options', () => {
    const spec = { filename: 't.qcow2', format: 'qcow2', size: 1, backing: { filename: 'b.img', format: 'raw' }, data: [] } as const;
    expect(createArgs(spec)).toEqual(['create', '-q', '-f', 'qcow2', '-b', 'b.img', '-F', 'raw', 't.qcow2', '1']);
  });
});
